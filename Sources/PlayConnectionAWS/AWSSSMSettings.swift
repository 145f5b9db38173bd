import Foundation
import PlayAWS
import PlayConnection

/// The aws_ssm connection's variables for one host (amazon.aws/community.aws `aws_ssm`'s names
/// and defaults): which instance, where, with which credentials, and the S3 bucket files and
/// long outputs travel through.
struct AWSSSMSettings: Sendable, Hashable {
    /// `ansible_aws_ssm_instance_id`, else `ansible_host` (the plugin's fallback).
    var instanceID: String
    /// `ansible_aws_ssm_region`, else AWS_REGION / AWS_DEFAULT_REGION, else us-east-1.
    var region: String
    var accessKeyID: String?
    var secretAccessKey: String?
    var sessionToken: String?
    var profile: String?
    /// `ansible_aws_ssm_endpoint_url` (play's addition; AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL
    /// also apply through the environment).
    var endpointURL: String?
    /// `ansible_aws_ssm_bucket_name`: needed for file transfers and outputs over 24,000 characters.
    var bucketName: String?
    /// `ansible_aws_ssm_bucket_endpoint_url`: the bucket's S3 endpoint when it is not the session's.
    var bucketEndpointURL: String?
    /// `ansible_aws_ssm_timeout` (60 s): how long an instance may take to pick a command up.
    var timeout: Int
    /// `ansible_aws_ssm_s3_addressing_style`: auto, path or virtual, checked; the S3 client always
    /// chooses as `auto` does (path style on custom endpoints and for names that are no host label).
    var addressingStyle: String
    /// `ansible_aws_ssm_document`: only the default (AWS-RunShellScript) is supported here.
    var document: String?

    static let prefix = "ansible_aws_ssm_"

    init(host: String, variables: [String: String], environment: [String: String]) throws(ConnectionError) {
        func value(_ name: String) -> String? {
            guard let text = variables[Self.prefix + name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        instanceID = value("instance_id") ?? host
        region = value("region") ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        accessKeyID = value("access_key_id")
        secretAccessKey = value("secret_access_key")
        sessionToken = value("session_token")
        profile = value("profile")
        endpointURL = value("endpoint_url")
        bucketName = value("bucket_name")
        bucketEndpointURL = value("bucket_endpoint_url")
        addressingStyle = value("s3_addressing_style") ?? "auto"
        document = value("document")
        if let text = value("timeout") {
            guard let seconds = Int(text), seconds > 0 else {
                throw .configuration(host: host, message: "ansible_aws_ssm_timeout must be a positive number of seconds, got '\(text)'")
            }
            timeout = seconds
        } else {
            timeout = 60
        }
        guard ["auto", "path", "virtual"].contains(addressingStyle) else {
            throw .configuration(host: host, message: "ansible_aws_ssm_s3_addressing_style must be auto, path or virtual, got '\(addressingStyle)'")
        }
        if let document, document != "AWS-RunShellScript" {
            throw .configuration(host: host, message: "ansible_aws_ssm_document '\(document)': play's aws_ssm runs commands"
                + " with SSM Run Command (AWS-RunShellScript), not Session Manager documents")
        }
        guard instanceID.hasPrefix("i-") || instanceID.hasPrefix("mi-") else {
            throw .configuration(host: host, message: "aws_ssm needs an instance id (ansible_aws_ssm_instance_id or ansible_host"
                + " set to i-...), got '\(instanceID)'")
        }
    }

    /// What the AWS session is made from (one session per distinct value).
    var sessionSettings: AWSSettings {
        AWSSettings(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken,
                    region: region, profile: profile, endpointURL: endpointURL)
    }

    /// The session settings for the bucket: its own endpoint when one is given.
    var bucketSessionSettings: AWSSettings {
        var settings = sessionSettings
        if let bucketEndpointURL { settings.endpointURL = bucketEndpointURL }
        return settings
    }
}
