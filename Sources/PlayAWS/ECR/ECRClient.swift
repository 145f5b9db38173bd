import OrderedCollections
import PlayBase

/// Amazon ECR (JSON 1.1): repositories, their policies, lifecycle policies, scanning and tag
/// mutability, as the API answers them (camelCase, times as epoch seconds).
public struct ECRClient: Sendable {
    public let session: AWSSession
    public let region: String
    static let targetPrefix = "AmazonEC2ContainerRegistry_V20150921"

    init(session: AWSSession, region: String) {
        self.session = session
        self.region = region
    }

    func call(_ operation: String, _ body: OrderedDictionary<String, Value>, idempotent: Bool = true) async throws -> Value {
        try await session.json(.ecr, region: region, targetPrefix: Self.targetPrefix, operation: operation, .dict(body),
                               idempotent: idempotent, context: [:], continuation: false)
    }

    private func repository(_ name: String, registry: String?) -> OrderedDictionary<String, Value> {
        var body: OrderedDictionary<String, Value> = ["repositoryName": .string(name)]
        if let registry { body["registryId"] = .string(registry) }
        return body
    }

    /// The repository, nil when ECR has none of that name.
    public func describeRepository(_ name: String, registry: String? = nil) async throws -> Value? {
        var body = repository("", registry: registry)
        body.removeValue(forKey: "repositoryName")
        body["repositoryNames"] = .list([.string(name)])
        do {
            return try await call("DescribeRepositories", body)["repositories"]?.listValue?.first
        } catch let error as AWSError where error.code == "RepositoryNotFoundException" {
            return nil
        }
    }

    public func createRepository(_ name: String, tagMutability: String, encryption: Value) async throws -> Value {
        let result = try await call("CreateRepository", ["repositoryName": .string(name), "imageTagMutability": .string(tagMutability),
                                                         "encryptionConfiguration": encryption], idempotent: false)
        return result["repository"] ?? .null
    }

    public func deleteRepository(_ name: String, registry: String? = nil, force: Bool) async throws {
        var body = repository(name, registry: registry)
        body["force"] = .bool(force)
        _ = try await call("DeleteRepository", body, idempotent: false)
    }

    /// The repository policy's text, nil when it has none.
    public func repositoryPolicy(_ name: String, registry: String? = nil) async throws -> String? {
        do {
            return try await call("GetRepositoryPolicy", repository(name, registry: registry))["policyText"]?.stringValue
        } catch let error as AWSError where ["RepositoryNotFoundException", "RepositoryPolicyNotFoundException"].contains(error.code) {
            return nil
        }
    }

    public func setRepositoryPolicy(_ name: String, registry: String? = nil, text: String, force: Bool) async throws {
        var body = repository(name, registry: registry)
        body["policyText"] = .string(text)
        body["force"] = .bool(force)
        _ = try await call("SetRepositoryPolicy", body)
    }

    public func deleteRepositoryPolicy(_ name: String, registry: String? = nil) async throws {
        _ = try await call("DeleteRepositoryPolicy", repository(name, registry: registry))
    }

    /// The lifecycle policy's text, nil when it has none.
    public func lifecyclePolicy(_ name: String, registry: String? = nil) async throws -> String? {
        do {
            return try await call("GetLifecyclePolicy", repository(name, registry: registry))["lifecyclePolicyText"]?.stringValue
        } catch let error as AWSError where ["RepositoryNotFoundException", "LifecyclePolicyNotFoundException"].contains(error.code) {
            return nil
        }
    }

    public func putLifecyclePolicy(_ name: String, registry: String? = nil, text: String) async throws {
        var body = repository(name, registry: registry)
        body["lifecyclePolicyText"] = .string(text)
        _ = try await call("PutLifecyclePolicy", body)
    }

    public func deleteLifecyclePolicy(_ name: String, registry: String? = nil) async throws {
        _ = try await call("DeleteLifecyclePolicy", repository(name, registry: registry))
    }

    public func putImageTagMutability(_ name: String, registry: String? = nil, mutability: String) async throws {
        var body = repository(name, registry: registry)
        body["imageTagMutability"] = .string(mutability)
        _ = try await call("PutImageTagMutability", body)
    }

    public func putImageScanning(_ name: String, registry: String? = nil, scanOnPush: Bool) async throws {
        var body = repository(name, registry: registry)
        body["imageScanningConfiguration"] = .dict(["scanOnPush": .bool(scanOnPush)])
        _ = try await call("PutImageScanningConfiguration", body)
    }
}
