import Foundation

/// "What to do next" for the AWS errors users meet most, made concrete with the call's own
/// parameters. Never mentions a secret: only the masked key id and where it came from.
enum AWSErrorHints {
    struct Situation {
        var operation: AWSOperation
        var code: String
        var message: String
        var status: Int?
        var credentials: AWSCredentials?
        var endpoint: AWSEndpoint
        var responseHeaders: HTTPHeaders
        var attempts: Int
    }

    static let accessDeniedCodes: Set<String> = [
        "UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "UnauthorizedAccess",
        "AuthorizationError", "Forbidden",
    ]
    static let expiredCodes: Set<String> = [
        "ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired", "RequestExpired", "InvalidToken",
    ]
    /// The key id is known and the secret is wrong.
    static let signatureCodes: Set<String> = ["SignatureDoesNotMatch", "InvalidSignatureException"]
    /// The key id itself is unknown.
    static let unknownKeyCodes: Set<String> = ["InvalidAccessKeyId", "InvalidClientTokenId", "UnrecognizedClientException"]
    static let badKeyCodes: Set<String> = [
        "AuthFailure", "SignatureDoesNotMatch", "InvalidClientTokenId", "InvalidAccessKeyId",
        "UnrecognizedClientException", "IncompleteSignature", "InvalidSignatureException", "MissingAuthenticationToken",
    ]

    /// The IAM action a call needs; S3's differ from the operation names.
    static func permission(for operation: AWSOperation) -> String {
        let action: String
        switch (operation.service.signingName, operation.name) {
        case ("s3", "HeadObject"): action = "GetObject"
        case ("s3", "ListObjectsV2"): action = "ListBucket"
        default: action = operation.name
        }
        return "\(operation.service.iamPrefix):\(action)"
    }

    static func hint(_ s: Situation) -> String? {
        let op = s.operation
        let region = op.region
        let who = s.credentials.map { "\($0.maskedAccessKeyID) (from \($0.source))" } ?? "the credentials"
        let context = op.context
        let code = s.code

        if code == "Forbidden" && op.service == .s3 && op.name == "HeadObject" {
            // Only when the follow-up request (see AWSSession.perform) got no error document either.
            return "\(who) may not read s3://\(context["Bucket"] ?? "?")/\(context["Key"] ?? "?") (S3 gave no reason: "
                + "allow s3:GetObject, and s3:ListBucket without which a missing key also answers 403)"
        }
        if accessDeniedCodes.contains(code) {
            var text = "\(who) is not allowed \(permission(for: op)): add it to the IAM policy of that user or role"
            if op.service == .s3, let bucket = context["Bucket"] {
                text += " (resource arn:aws:s3:::\(bucket)\(context["Key"].map { "/" + $0 } ?? ""))"
            }
            if s.message.contains("Encoded authorization failure message") {
                text += "; `aws sts decode-authorization-message --encoded-message …` shows the exact denial"
            }
            return text
        }
        if code == "RequestTimeTooSkewed" || (code == "RequestExpired" && s.credentials?.sessionToken == nil)
            || (code == "InvalidSignatureException" && s.message.lowercased().contains("signature expired")) {
            var text = "this machine's clock differs from AWS's by more than 5 minutes"
            if let serverDate = s.responseHeaders["Date"].flatMap(AWSSession.parseHTTPDate) {
                text += " (AWS's clock said \(serverDate.ISO8601Format()), this machine's \(Date().ISO8601Format()))"
            }
            return text + ": synchronise it (NTP, `timedatectl set-ntp true`); the credentials are fine"
        }
        if expiredCodes.contains(code) {
            return "the session token of \(who) has expired: refresh the credentials (a new STS session, "
                + "`aws sso login`, or re-export AWS_SESSION_TOKEN) and run again"
        }
        if signatureCodes.contains(code) {
            var text = "the secret key does not belong to access key \(who): AWS knows the key id but the signature "
                + "made with the secret does not match; check the secret (a copy-paste slip, or the secret of another key)"
            if s.endpoint.isCustom { text += "; requests go to \(s.endpoint.url) (from \(s.endpoint.source))" }
            return text
        }
        if unknownKeyCodes.contains(code) {
            var text = "access key \(who) is not known to AWS: it was deleted or deactivated, belongs to another "
                + "partition, or is a temporary key (ASIA…) used without its session token"
            if s.endpoint.isCustom { text += "; requests go to \(s.endpoint.url) (from \(s.endpoint.source))" }
            return text
        }
        if badKeyCodes.contains(code) {
            var text = "AWS did not accept access key \(who): check that the secret key belongs to this key id, "
                + "that the key is active, and that the session token (if any) is current"
            if s.endpoint.isCustom { text += "; requests go to \(s.endpoint.url) (from \(s.endpoint.source))" }
            return text
        }
        if code.hasPrefix("InvalidAMIID") {
            let image = context["ImageId"].map { "'\($0)'" } ?? "the image"
            return "image \(image) is not available in \(region): AMI ids are regional, so check the id "
                + "or copy the image to \(region) (`aws ec2 copy-image`)"
        }
        if code.hasPrefix("InvalidInstanceID") {
            let ids = context["InstanceId"].map { " \($0)" } ?? ""
            return "instance\(ids) not found in \(region): instance ids are regional; terminated instances "
                + "disappear after about an hour"
        }
        if code.hasPrefix("InvalidSubnetID") || code.hasPrefix("InvalidGroup") || code.hasPrefix("InvalidVpcID") {
            return "check the id and that it belongs to \(region) and to the same VPC as the other resources"
        }
        if ["TargetGroupNotFound", "LoadBalancerNotFound", "ListenerNotFound"].contains(code) {
            return "check the ARN and that it is in \(region); look ARNs up by name with describe calls"
        }
        if code == "InvalidTarget" {
            return "targets must be running instances (or IPs) in the target group's VPC, and a target must be "
                + "registered before it can be deregistered"
        }
        if code == "DuplicateTargetGroupName" {
            return "a target group with this name exists: look it up with DescribeTargetGroups and reuse it"
        }
        if code == "NoSuchBucket" {
            return "bucket '\(context["Bucket"] ?? "?")' does not exist in this account (names are global; check spelling and region \(region))"
        }
        if code == "NoSuchKey" || (op.service == .s3 && code == "NotFound") {
            return "s3://\(context["Bucket"] ?? "?")/\(context["Key"] ?? "?") does not exist: check the key (it is case-sensitive)"
        }
        if code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed" || code == "TemporaryRedirect" {
            if let bucketRegion = s.responseHeaders["x-amz-bucket-region"], bucketRegion != region {
                return "bucket '\(context["Bucket"] ?? "?")' is in \(bucketRegion), not \(region): set region \(bucketRegion) for this task"
            }
            return "the bucket is in another region than \(region): set the task's region to the bucket's"
        }
        if code == "DryRunOperation" {
            return "this was a dry run: the call would have succeeded"
        }
        if ["ClusterNotFoundException", "ServiceNotFoundException", "ServiceNotActiveException"].contains(code) {
            return "check the cluster and service names (or ARNs) and that they are in \(region)"
        }
        if RetryPolicy.throttlingCodes.contains(code) {
            return "AWS kept throttling after \(s.attempts) attempt\(s.attempts == 1 ? "" : "s"): raise the attempt limit "
                + "(AWS_MAX_ATTEMPTS or max_attempts in the profile) or run fewer hosts at once (forks, serial)"
        }
        if let status = s.status, status >= 500 {
            return "\(s.endpoint.url) answered HTTP \(status) \(s.attempts) time\(s.attempts == 1 ? "" : "s")"
                + (op.idempotent ? "" : " (not repeated: \(op.name) is not safe to repeat without a client token)")
                + "; try again later or check the endpoint"
        }
        return nil
    }
}
