import Foundation

/// Who the credentials belong to: STS GetCallerIdentity, and the account's alias from IAM.
public struct STSClient: Sendable {
    public let session: AWSSession
    public let region: String

    init(session: AWSSession, region: String) {
        self.session = session
        self.region = region
    }

    public struct CallerIdentity: Sendable, Hashable {
        public var account: String
        public var arn: String
        public var userID: String
    }

    public func callerIdentity() async throws -> CallerIdentity {
        let root = try await session.query(.sts, region: region,
                                           QueryParameters(action: "GetCallerIdentity", version: "2011-06-15"),
                                           idempotent: true)
        guard let account = root.nonEmpty("Account"), let arn = root.nonEmpty("Arn") else {
            throw AWSError(kind: .decoding, service: "STS", operation: "GetCallerIdentity", code: "InvalidResponse",
                           message: "the answer has no <Account> or <Arn>", region: region)
        }
        return CallerIdentity(account: account, arn: arn, userID: root.string("UserId") ?? "")
    }

    /// The account's aliases (IAM ListAccountAliases; at most one exists).
    public func accountAliases() async throws -> [String] {
        let root = try await session.query(.iam, region: region,
                                           QueryParameters(action: "ListAccountAliases", version: "2010-05-08"),
                                           idempotent: true)
        return root.list("AccountAliases", item: "member").map(\.text)
    }
}
