import OrderedCollections
import PlayBase

/// Services as community.aws `ecs_service` drives them: the request bodies are the API's
/// camelCase fields, the answers the API's service objects as they come.
extension ECSClient {
    /// CreateService with a full request body (`cluster`, `serviceName`, `taskDefinition`,
    /// `loadBalancers`, `networkConfiguration`...). Returns the service as ECS answers it.
    public func createService(_ body: OrderedDictionary<String, Value>) async throws -> Value {
        let idempotent = !(body["clientToken"]?.stringValue ?? "").isEmpty
        let result = try await call("CreateService", body, idempotent: idempotent)
        guard let service = result["service"], case .dict = service else { throw missing("service", "CreateService") }
        return service
    }

    /// UpdateService with a full request body (`cluster`, `service`, then what changes).
    public func updateService(_ body: OrderedDictionary<String, Value>) async throws -> Value {
        let result = try await call("UpdateService", body)
        guard let service = result["service"], case .dict = service else { throw missing("service", "UpdateService") }
        return service
    }

    /// DeleteService; `force` deletes a service that still has a desired count above zero.
    @discardableResult
    public func deleteService(cluster: String, service: String, force: Bool) async throws -> Value {
        let result = try await call("DeleteService", ["cluster": .string(cluster), "service": .string(service),
                                                      "force": .bool(force)], idempotent: false)
        return result["service"] ?? .null
    }

    /// Every service ARN of a cluster, all pages followed.
    public func listServices(cluster: String?) async throws -> [String] {
        var arns: [String] = []
        var token: String?
        var tokens = PaginationTokens(service: "ECS", operation: "ListServices", region: region)
        repeat {
            var body: OrderedDictionary<String, Value> = [:]
            if let cluster { body["cluster"] = .string(cluster) }
            if let token { body["nextToken"] = .string(token) }
            let result = try await call("ListServices", body, continuation: token != nil)
            arns += (result["serviceArns"]?.listValue ?? []).compactMap(\.stringValue)
            token = try tokens.follow(result["nextToken"]?.stringValue)
        } while token != nil
        return arns
    }

    /// DescribeServices as the API answers it (services, with their tags when asked, and failures),
    /// for callers that report the raw objects; up to 10 names, AWS's limit.
    public func describeServicesRaw(cluster: String?, services: [String], tags: Bool = true) async throws -> (services: [Value], failures: [Value]) {
        var body: OrderedDictionary<String, Value> = ["services": .list(services.map(Value.string))]
        if tags { body["include"] = ["TAGS"] }
        if let cluster { body["cluster"] = .string(cluster) }
        let result = try await call("DescribeServices", body)
        return (result["services"]?.listValue ?? [], result["failures"]?.listValue ?? [])
    }
}
