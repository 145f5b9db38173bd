import OrderedCollections
import PlayBase

/// Amazon ECS (JSON 1.1): task definitions and service updates, for the container deploy flow.
public struct ECSClient: Sendable {
    public let session: AWSSession
    public let region: String
    static let targetPrefix = "AmazonEC2ContainerServiceV20141113"

    init(session: AWSSession, region: String) {
        self.session = session
        self.region = region
    }

    func call(_ operation: String, _ body: OrderedDictionary<String, Value>, idempotent: Bool = true,
              context: [String: String] = [:], continuation: Bool = false) async throws -> Value {
        try await session.json(.ecs, region: region, targetPrefix: Self.targetPrefix, operation: operation,
                               .dict(body), idempotent: idempotent, context: context, continuation: continuation)
    }

    /// Registers a new revision of `family`. `containerDefinitions` use the API's camelCase keys;
    /// `extra` adds top-level fields (`cpu`, `memory`, `networkMode`, `requiresCompatibilities`...).
    /// Each call creates a revision, so it is never repeated after an ambiguous failure.
    public func registerTaskDefinition(family: String, containerDefinitions: [Value],
                                       extra: [String: Value] = [:]) async throws -> ECSTaskDefinition {
        var body: OrderedDictionary<String, Value> = ["family": .string(family), "containerDefinitions": .list(containerDefinitions)]
        for (key, value) in extra.sorted(by: { $0.key < $1.key }) { body[key] = value }
        let result = try await call("RegisterTaskDefinition", body, idempotent: false)
        return try taskDefinition(in: result, "RegisterTaskDefinition")
    }

    /// `family`, `family:revision` or an ARN.
    public func describeTaskDefinition(_ taskDefinition: String) async throws -> ECSTaskDefinition {
        let result = try await call("DescribeTaskDefinition", ["taskDefinition": .string(taskDefinition)])
        return try self.taskDefinition(in: result, "DescribeTaskDefinition")
    }

    /// Points a service at a task definition and/or changes its desired count.
    @discardableResult
    public func updateService(cluster: String, service: String, taskDefinition: String? = nil,
                              desiredCount: Int? = nil, forceNewDeployment: Bool = false) async throws -> ECSService {
        var body: OrderedDictionary<String, Value> = ["cluster": .string(cluster), "service": .string(service)]
        if let taskDefinition { body["taskDefinition"] = .string(taskDefinition) }
        if let desiredCount { body["desiredCount"] = .int(desiredCount) }
        if forceNewDeployment { body["forceNewDeployment"] = .bool(true) }
        let result = try await call("UpdateService", body)
        guard let service = result["service"], case .dict = service else { throw missing("service", "UpdateService") }
        return ECSService(json: service)
    }

    /// Services by name or ARN (asked 10 at a time, AWS's limit). Names ECS does not know are in `failures`.
    public func describeServices(cluster: String, services: [String]) async throws -> (services: [ECSService], failures: [ECSFailure]) {
        var found: [ECSService] = []
        var failures: [ECSFailure] = []
        var start = 0
        while start < services.count {
            let batch = services[start..<min(start + 10, services.count)]
            let result = try await call("DescribeServices", ["cluster": .string(cluster),
                                                             "services": .list(batch.map { .string($0) })],
                                        continuation: start > 0)
            start += 10
            found += (result["services"]?.listValue ?? []).map(ECSService.init(json:))
            failures += (result["failures"]?.listValue ?? []).map(ECSFailure.init(json:))
        }
        return (found, failures)
    }

    /// Creates a cluster (or returns the existing one of that name); returns its ARN.
    @discardableResult
    public func createCluster(name: String) async throws -> String {
        let result = try await call("CreateCluster", ["clusterName": .string(name)])
        guard let arn = result["cluster"]?["clusterArn"]?.stringValue else { throw missing("cluster", "CreateCluster") }
        return arn
    }

    @discardableResult
    public func createService(cluster: String, name: String, taskDefinition: String, desiredCount: Int,
                              launchType: String? = nil, clientToken: String? = nil) async throws -> ECSService {
        var body: OrderedDictionary<String, Value> = [
            "cluster": .string(cluster), "serviceName": .string(name),
            "taskDefinition": .string(taskDefinition), "desiredCount": .int(desiredCount),
        ]
        if let launchType { body["launchType"] = .string(launchType) }
        if let clientToken { body["clientToken"] = .string(clientToken) }
        let result = try await call("CreateService", body, idempotent: clientToken != nil)
        guard let service = result["service"], case .dict = service else { throw missing("service", "CreateService") }
        return ECSService(json: service)
    }

    private func taskDefinition(in result: Value, _ operation: String) throws -> ECSTaskDefinition {
        guard let definition = result["taskDefinition"], case .dict = definition else {
            throw missing("taskDefinition", operation)
        }
        return ECSTaskDefinition(json: definition)
    }

    func missing(_ field: String, _ operation: String) -> AWSError {
        AWSError(kind: .decoding, service: "ECS", operation: operation, code: "InvalidResponse",
                 message: "the answer has no \"\(field)\"", region: region)
    }
}

/// A resource ECS could not describe, and why ("MISSING").
public struct ECSFailure: Sendable, Hashable {
    public var arn: String?
    public var reason: String

    init(json: Value) {
        arn = json["arn"]?.stringValue
        reason = json["reason"]?.stringValue ?? ""
    }
}
