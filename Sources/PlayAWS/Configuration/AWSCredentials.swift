import Foundation

/// An access key pair, maybe temporary. The secret and the session token never appear in
/// `description`, `debugDescription` or `dump()`: print these values freely.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public let accessKeyID: String
    /// Only the signer and callers that hand credentials to another process should read this.
    public let secretAccessKey: String
    public let sessionToken: String?
    /// When temporary credentials stop working (instance roles); nil for long-term keys.
    public let expiration: Date?
    /// Where the chain found them, for messages: "environment variables", "profile 'ci' in ~/.aws/credentials".
    public let source: String

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil,
                expiration: Date? = nil, source: String = "explicit credentials") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
        self.expiration = expiration
        self.source = source
    }

    /// `AKIA…WXYZ`: enough to tell keys apart in messages without spelling one out.
    public var maskedAccessKeyID: String {
        guard accessKeyID.count > 8 else { return String(repeating: "*", count: accessKeyID.count) }
        return accessKeyID.prefix(4) + "…" + accessKeyID.suffix(4)
    }

    /// True when the credentials expire within `margin` seconds of `now`.
    public func expires(within margin: TimeInterval, of now: Date = Date()) -> Bool {
        guard let expiration else { return false }
        return expiration.timeIntervalSince(now) < margin
    }

    public var description: String {
        "AWS credentials \(maskedAccessKeyID) from \(source)" + (sessionToken == nil ? "" : " (temporary)")
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyID": maskedAccessKeyID, "source": source,
                                "temporary": sessionToken != nil], displayStyle: .struct)
    }
}
