import Foundation

extension STSClient {
    /// What AssumeRole asks for, as the SDK names it.
    public struct AssumeRoleRequest: Sendable, Hashable {
        public var roleARN: String
        public var sessionName: String
        public var durationSeconds: Int?
        public var externalID: String?
        public var policy: String?
        public var serialNumber: String?
        public var tokenCode: String?

        public init(roleARN: String, sessionName: String, durationSeconds: Int? = nil, externalID: String? = nil,
                    policy: String? = nil, serialNumber: String? = nil, tokenCode: String? = nil) {
            self.roleARN = roleARN
            self.sessionName = sessionName
            self.durationSeconds = durationSeconds
            self.externalID = externalID
            self.policy = policy
            self.serialNumber = serialNumber
            self.tokenCode = tokenCode
        }
    }

    /// STS AssumeRole; the answer's `AssumeRoleResult` element (`Credentials`, `AssumedRoleUser`...).
    /// Temporary credentials are secrets: callers decide what to show.
    public func assumeRole(_ request: AssumeRoleRequest) async throws -> XMLTree {
        var parameters = QueryParameters(action: "AssumeRole", version: "2011-06-15")
        parameters.set("RoleArn", request.roleARN)
        parameters.set("RoleSessionName", request.sessionName)
        parameters.set("DurationSeconds", request.durationSeconds)
        parameters.set("ExternalId", request.externalID)
        parameters.set("Policy", request.policy)
        parameters.set("SerialNumber", request.serialNumber)
        parameters.set("TokenCode", request.tokenCode)
        let root = try await session.query(.sts, region: region, parameters, idempotent: true)
        return root.first(named: "AssumeRoleResult") ?? root
    }
}
