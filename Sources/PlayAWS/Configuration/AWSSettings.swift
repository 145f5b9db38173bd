import Foundation
import PlayBase

/// What a play or a module said explicitly about AWS: the first link of every chain.
/// Empty fields fall through to the environment, the shared files and instance metadata.
public struct AWSSettings: Sendable, Hashable {
    public var accessKeyID: String?
    public var secretAccessKey: String?
    public var sessionToken: String?
    public var region: String?
    /// A named profile; as in amazon.aws, it wins over `AWS_ACCESS_KEY_ID` in the environment.
    public var profile: String?
    /// One endpoint for every service (the sandbox's moto_server); per service, use the environment.
    public var endpointURL: String?
    /// Attempts per call, first one included; nil for `AWS_MAX_ATTEMPTS`, the profile's `max_attempts`, or 3.
    public var maxAttempts: Int?
    /// Seconds without progress before an attempt fails.
    public var timeout: TimeInterval?

    public init(accessKeyID: String? = nil, secretAccessKey: String? = nil, sessionToken: String? = nil,
                region: String? = nil, profile: String? = nil, endpointURL: String? = nil,
                maxAttempts: Int? = nil, timeout: TimeInterval? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
        self.profile = profile
        self.endpointURL = endpointURL
        self.maxAttempts = maxAttempts
        self.timeout = timeout
    }

    /// The names amazon.aws modules accept (with their aliases) and the vault file's names.
    private static var argumentNames: [(field: WritableKeyPath<AWSSettings, String?>, names: [String])] { [
        (\.accessKeyID, ["access_key", "aws_access_key", "aws_access_key_id", "ec2_access_key"]),
        (\.secretAccessKey, ["secret_key", "aws_secret_key", "aws_secret_access_key", "ec2_secret_key"]),
        (\.sessionToken, ["session_token", "aws_session_token", "security_token", "aws_security_token"]),
        (\.region, ["region", "aws_region", "ec2_region"]),
        (\.profile, ["profile", "aws_profile"]),
        (\.endpointURL, ["endpoint_url", "aws_endpoint_url", "ec2_url", "s3_url"]),
    ] }

    /// Reads module arguments or play vars by their amazon.aws names; blank strings count as unset.
    public init(arguments: [String: Value]) {
        self.init()
        for (field, names) in Self.argumentNames {
            for name in names {
                if let text = arguments[name]?.stringValue?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                    self[keyPath: field] = text
                    break
                }
            }
        }
    }

    /// Fields set here win; the rest come from `fallback` (module arguments over play vars).
    public func merging(_ fallback: AWSSettings) -> AWSSettings {
        var out = self
        // Credentials travel as a set: never mix a key id from one place with a secret from another.
        if accessKeyID == nil && secretAccessKey == nil {
            out.accessKeyID = fallback.accessKeyID
            out.secretAccessKey = fallback.secretAccessKey
            out.sessionToken = fallback.sessionToken
        }
        out.region = region ?? fallback.region
        out.profile = profile ?? fallback.profile
        out.endpointURL = endpointURL ?? fallback.endpointURL
        out.maxAttempts = maxAttempts ?? fallback.maxAttempts
        out.timeout = timeout ?? fallback.timeout
        return out
    }
}

extension AWSSettings: CustomStringConvertible, CustomReflectable {
    /// Names what is set without showing the secret or the token.
    public var description: String {
        var parts: [String] = []
        if let accessKeyID { parts.append("access key \(AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: "").maskedAccessKeyID)") }
        if secretAccessKey != nil { parts.append("secret key set") }
        if sessionToken != nil { parts.append("session token set") }
        if let region { parts.append("region \(region)") }
        if let profile { parts.append("profile \(profile)") }
        if let endpointURL { parts.append("endpoint \(endpointURL)") }
        return "AWSSettings(" + parts.joined(separator: ", ") + ")"
    }

    public var customMirror: Mirror { Mirror(self, children: ["summary": description]) }
}
