import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// community.aws `ecs_cluster`: a cluster by name. `present` creates it, or replaces its capacity
/// providers and default strategy when they differ (only with `purge_capacity_providers`);
/// `absent` deletes it (an INACTIVE one is already gone); `has_instances` waits `delay` seconds,
/// up to `repeat` times, for a registered container instance. Returns `cluster` as ECS answers it.
public struct ECSClusterModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ecs_cluster", arguments: [
        ArgumentSpec("state", .string, required: true, choices: ["present", "absent", "has_instances"]),
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("delay", .int, defaultValue: 10),
        ArgumentSpec("repeat", .int, defaultValue: 10),
        ArgumentSpec("purge_capacity_providers", .bool, defaultValue: true),
        ArgumentSpec("capacity_providers", .list, elements: .string),
        ArgumentSpec("capacity_provider_strategy", .list, elements: .dict),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let name = context.string("name") ?? ""
            let ecs = try await context.awsSession().session.ecs()
            let existing = try await AWSModuleError.wrapping("describing cluster '\(name)'") { try await ecs.describeCluster(name) }
            switch context.string("state") {
            case "absent":
                guard let existing else { return .ok(changed: false, [:]) }
                if existing["status"]?.stringValue == "INACTIVE" { return .ok(changed: false, ["cluster": existing]) }
                if !context.checkMode {
                    try await AWSModuleError.wrapping("deleting cluster '\(name)'") { try await ecs.deleteCluster(name) }
                }
                return .ok(changed: true, ["cluster": existing])
            case "has_instances":
                return try await waitForInstances(name, existing: existing, ecs: ecs, context)
            default:
                return try await present(name, existing: existing, ecs: ecs, context)
            }
        }
    }

    private func present(_ name: String, existing: Value?, ecs: ECSClient, _ context: ModuleContext) async throws -> TaskResult {
        var providers = (context.list("capacity_providers") ?? []).map(\.renderedString)
        let requestedStrategy = context.list("capacity_provider_strategy").map { $0.map(Self.strategyEntry) }
        guard let existing, existing["status"]?.stringValue == "ACTIVE" else {
            if context.checkMode { return .ok(changed: true, [:]) }
            let cluster = try await AWSModuleError.wrapping("creating cluster '\(name)'") {
                try await ecs.createCluster(name: name, capacityProviders: providers, strategy: requestedStrategy ?? [])
            }
            return .ok(changed: true, ["cluster": cluster])
        }
        let existingProviders = (existing["capacityProviders"]?.listValue ?? []).map(\.renderedString)
        let existingStrategy = existing["defaultCapacityProviderStrategy"]?.listValue ?? []
        var strategy = requestedStrategy ?? []
        var strategyDiffers: Bool
        if let requestedStrategy {
            strategyDiffers = requestedStrategy.contains { !existingStrategy.contains($0) }
                || existingStrategy.contains { !requestedStrategy.contains($0) }
        } else {
            strategyDiffers = !existingStrategy.isEmpty
        }
        if !context.bool("purge_capacity_providers", default: true) {
            strategyDiffers = false
            providers = existingProviders
            strategy = existingStrategy
        }
        guard providers != existingProviders || strategyDiffers else { return .ok(changed: false, ["cluster": existing]) }
        if context.checkMode { return .ok(changed: true, [:]) }
        let cluster = try await AWSModuleError.wrapping("updating the capacity providers of cluster '\(name)'") {
            try await ecs.putCapacityProviders(cluster: name, providers: providers, strategy: strategy)
        }
        return .ok(changed: true, ["cluster": cluster])
    }

    private func waitForInstances(_ name: String, existing: Value?, ecs: ECSClient, _ context: ModuleContext) async throws -> TaskResult {
        guard existing != nil else { return .failed("Cluster '\(name) not found.") }
        let delay = max(0, context.int("delay") ?? 10), repeats = max(1, context.int("repeat") ?? 10)
        try await Task.sleep(for: .seconds(delay))
        for attempt in 1...repeats {
            let cluster = try await AWSModuleError.wrapping("describing cluster '\(name)'") { try await ecs.describeCluster(name) }
            if let cluster, (cluster["registeredContainerInstancesCount"]?.intValue ?? 0) > 0 {
                return .ok(changed: true, ["cluster": cluster])
            }
            context.progress("cluster '\(name)' has no container instance yet (\(attempt)/\(repeats))")
            try await Task.sleep(for: .seconds(delay))
        }
        return .failed("Cluster instance count still zero after \(repeats) tries of \(delay) seconds each.")
    }

    /// A strategy entry in the API's form: `capacityProvider`, `weight`, `base` (0 unless given).
    static func strategyEntry(_ entry: Value) -> Value {
        var out = OrderedDictionary<String, Value>()
        if let provider = entry["capacity_provider"] { out["capacityProvider"] = provider }
        if let weight = entry["weight"] { out["weight"] = weight }
        out["base"] = entry["base"] ?? .int(0)
        return .dict(out)
    }
}
