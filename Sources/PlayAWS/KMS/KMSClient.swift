import OrderedCollections
import PlayBase

/// AWS KMS (JSON 1.1, "TrentService"): reading keys, their aliases, grants, tags and policies,
/// as the answers come (CamelCase, times as epoch seconds).
public struct KMSClient: Sendable {
    public let session: AWSSession
    public let region: String
    static let targetPrefix = "TrentService"

    init(session: AWSSession, region: String) {
        self.session = session
        self.region = region
    }

    func call(_ operation: String, _ body: OrderedDictionary<String, Value>) async throws -> Value {
        try await session.json(.kms, region: region, targetPrefix: Self.targetPrefix, operation: operation, .dict(body),
                               idempotent: true, context: [:], continuation: false)
    }

    /// Every page of a list operation (`Marker`/`NextMarker`, `Truncated`), its `key` items joined.
    func all(_ operation: String, _ body: OrderedDictionary<String, Value>, key: String) async throws -> [Value] {
        var items: [Value] = []
        var request = body
        var tokens = PaginationTokens(service: "KMS", operation: operation, region: region)
        while true {
            let page = try await call(operation, request)
            items += page[key]?.listValue ?? []
            guard page["Truncated"]?.isTruthy == true,
                  let marker = try tokens.follow(page["NextMarker"]?.stringValue) else { return items }
            request["Marker"] = .string(marker)
        }
    }

    public func listKeys() async throws -> [Value] { try await all("ListKeys", [:], key: "Keys") }

    /// The key's metadata, nil when KMS has no such key (NotFoundException).
    public func describeKey(_ keyID: String) async throws -> Value? {
        do {
            return try await call("DescribeKey", ["KeyId": .string(keyID)])["KeyMetadata"]
        } catch let error as AWSError where error.code == "NotFoundException" {
            return nil
        }
    }

    public func listAliases() async throws -> [Value] { try await all("ListAliases", [:], key: "Aliases") }

    public func listGrants(_ keyID: String) async throws -> [Value] {
        try await all("ListGrants", ["KeyId": .string(keyID)], key: "Grants")
    }

    public func listResourceTags(_ keyID: String) async throws -> [Value] {
        try await all("ListResourceTags", ["KeyId": .string(keyID)], key: "Tags")
    }

    /// Whether rotation is on; nil where KMS does not support it for the key.
    public func keyRotationEnabled(_ keyID: String) async throws -> Bool? {
        do {
            return try await call("GetKeyRotationStatus", ["KeyId": .string(keyID)])["KeyRotationEnabled"]?.isTruthy
        } catch let error as AWSError where ["UnsupportedOperationException", "AccessDeniedException"].contains(error.code) {
            return nil
        }
    }

    /// The key's policies as their JSON texts.
    public func keyPolicies(_ keyID: String) async throws -> [String] {
        var policies: [String] = []
        for name in try await all("ListKeyPolicies", ["KeyId": .string(keyID)], key: "PolicyNames") {
            let answer = try await call("GetKeyPolicy", ["KeyId": .string(keyID), "PolicyName": name])
            if let text = answer["Policy"]?.stringValue { policies.append(text) }
        }
        return policies
    }
}
