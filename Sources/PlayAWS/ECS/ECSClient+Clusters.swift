import OrderedCollections
import PlayBase

/// Clusters as ECS answers them (the API's camelCase objects, which community.aws returns as they are).
extension ECSClient {
    /// The cluster named (or by ARN), nil when ECS reports it MISSING; INACTIVE clusters are returned.
    public func describeCluster(_ name: String) async throws -> Value? {
        let result = try await call("DescribeClusters", ["clusters": [.string(name)]])
        let clusters = result["clusters"]?.listValue ?? []
        return clusters.first { $0["clusterName"]?.stringValue == name || $0["clusterArn"]?.stringValue == name }
    }

    /// Creates a cluster with optional capacity providers and default strategy (camelCase entries).
    public func createCluster(name: String, capacityProviders: [String], strategy: [Value]) async throws -> Value {
        var body: OrderedDictionary<String, Value> = ["clusterName": .string(name)]
        if !capacityProviders.isEmpty { body["capacityProviders"] = .list(capacityProviders.map(Value.string)) }
        if !strategy.isEmpty { body["defaultCapacityProviderStrategy"] = .list(strategy) }
        let result = try await call("CreateCluster", body)
        guard let cluster = result["cluster"] else { throw missing("cluster", "CreateCluster") }
        return cluster
    }

    /// Replaces a cluster's capacity providers and default strategy.
    public func putCapacityProviders(cluster: String, providers: [String], strategy: [Value]) async throws -> Value {
        let result = try await call("PutClusterCapacityProviders", [
            "cluster": .string(cluster), "capacityProviders": .list(providers.map(Value.string)),
            "defaultCapacityProviderStrategy": .list(strategy),
        ])
        guard let cluster = result["cluster"] else { throw missing("cluster", "PutClusterCapacityProviders") }
        return cluster
    }

    public func deleteCluster(_ name: String) async throws {
        _ = try await call("DeleteCluster", ["cluster": .string(name)], idempotent: false)
    }
}
