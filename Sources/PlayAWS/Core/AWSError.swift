import Foundation

/// Every failure of this package: an AWS error answer, a transport failure, a bad configuration,
/// a checksum mismatch. Carries what a user needs to act and never a secret.
public struct AWSError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// A kind is a struct, not an enum, so new kinds break no caller's `switch`.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        let raw: String
        public var description: String { raw }

        /// AWS answered with an error.
        public static let service = Kind(raw: "service")
        /// No HTTP answer: connection refused, reset, DNS.
        public static let transport = Kind(raw: "transport")
        /// No answer in time.
        public static let timeout = Kind(raw: "timeout")
        /// Credentials, region, profile or endpoint settings are missing or wrong.
        public static let configuration = Kind(raw: "configuration")
        /// A downloaded or uploaded object does not match its checksum.
        public static let checksum = Kind(raw: "checksum")
        /// The answer could not be read.
        public static let decoding = Kind(raw: "decoding")
    }

    public var kind: Kind
    /// "EC2", "ELBv2", "S3", "ECS", or "AWS" for configuration errors.
    public var service: String
    /// "RunInstances"; for configuration errors what was being resolved ("credentials").
    public var operation: String
    /// The AWS error code (`InvalidAMIID.NotFound`), or our own for other kinds (`NoCredentials`).
    public var code: String
    public var message: String
    public var requestID: String?
    public var httpStatus: Int?
    /// What to do next, when we know.
    public var hint: String?
    /// Attempts made, retries included.
    public var attempts: Int
    public var region: String?

    public init(kind: Kind, service: String, operation: String, code: String, message: String,
                requestID: String? = nil, httpStatus: Int? = nil, hint: String? = nil, attempts: Int = 1,
                region: String? = nil) {
        self.kind = kind
        self.service = service
        self.operation = operation
        self.code = code
        self.message = message
        self.requestID = requestID
        self.httpStatus = httpStatus
        self.hint = hint
        self.attempts = attempts
        self.region = region
    }

    static func configuration(_ code: String, _ message: String, about operation: String = "configuration",
                              hint: String? = nil) -> AWSError {
        AWSError(kind: .configuration, service: "AWS", operation: operation, code: code, message: message, hint: hint)
    }

    /// True for codes AWS uses when asking callers to slow down.
    public var isThrottling: Bool { RetryPolicy.throttlingCodes.contains(code) }

    /// True when the thing asked about does not exist (`*.NotFound`, `NoSuchKey`, HTTP 404...).
    public var isNotFound: Bool {
        code.hasSuffix(".NotFound") || code.hasSuffix("NotFound") || code == "NoSuchKey"
            || code == "NoSuchBucket" || (kind == .service && httpStatus == 404)
    }

    /// `EC2 RunInstances failed in us-east-1: InvalidAMIID.NotFound: … (HTTP 400, request id …, 1 attempt)`
    /// and the hint on its own line.
    public var description: String {
        var text: String
        if kind == .configuration {
            text = "AWS \(operation): \(code): \(message)"
        } else {
            text = "\(service) \(operation) failed"
            if let region { text += " in \(region)" }
            text += ": \(code): \(message)"
            var facts: [String] = []
            if let httpStatus { facts.append("HTTP \(httpStatus)") }
            if let requestID { facts.append("request id \(requestID)") }
            if attempts > 1 { facts.append("\(attempts) attempts") }
            if !facts.isEmpty { text += " (" + facts.joined(separator: ", ") + ")" }
        }
        if let hint { text += "\nhint: \(hint)" }
        return text
    }

    public var errorDescription: String? { description }

    /// Replaces each secret (secret key, session token) anywhere in the texts with `****`.
    func redacting(_ secrets: [String]) -> AWSError {
        var copy = self
        for secret in secrets where secret.count >= 4 {
            copy.message = copy.message.replacingOccurrences(of: secret, with: "****")
            copy.hint = copy.hint?.replacingOccurrences(of: secret, with: "****")
            copy.code = copy.code.replacingOccurrences(of: secret, with: "****")
        }
        return copy
    }
}
