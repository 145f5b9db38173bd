import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// community.aws `ecs_service_info`: a cluster's service ARNs (`services`), or with `details`
/// the services as ECS describes them and the names it could not (`services_not_running`).
/// play adds, when services are named, `exists` (every named service is there and not INACTIVE)
/// and `service` (the first one described, or null): what a deploy needs to check before it
/// changes anything. Never changes anything.
public struct ECSServiceInfoModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ecs_service_info", arguments: [
        ArgumentSpec("details", .bool, defaultValue: false),
        ArgumentSpec("events", .bool, defaultValue: true),
        ArgumentSpec("cluster", .string),
        ArgumentSpec("service", .list, aliases: ["name"], elements: .string),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let cluster = context.string("cluster")
            let named = (context.list("service") ?? []).map(\.renderedString)
            let ecs = try await context.awsSession().session.ecs()
            var result: OrderedDictionary<String, Value> = [:]
            if context.bool("details") || !named.isEmpty {
                var services: [Value] = [], missing: [Value] = []
                var names = named
                if names.isEmpty {
                    names = try await AWSModuleError.wrapping("Couldn't list ECS services") { try await ecs.listServices(cluster: cluster) }
                }
                var start = 0
                while start < names.count {
                    let chunk = Array(names[start..<min(start + 10, names.count)])
                    start += 10
                    let (found, failures) = try await AWSModuleError.wrapping("Couldn't describe ECS services") {
                        try await ecs.describeServicesRaw(cluster: cluster, services: chunk, tags: false)
                    }
                    services += found.map { service(ECSResultShape.jsonized($0), events: context.bool("events", default: true)) }
                    missing += failures
                }
                if context.bool("details") {
                    result["services"] = .list(services)
                    result["services_not_running"] = .list(missing)
                } else {
                    // Without details the collection lists the cluster's ARNs, whatever is named.
                    let arns = try await AWSModuleError.wrapping("Couldn't list ECS services") { try await ecs.listServices(cluster: cluster) }
                    result["services"] = .list(arns.map(Value.string))
                }
                if !named.isEmpty {
                    let active = services.filter { $0["status"]?.stringValue != "INACTIVE" }
                    result["exists"] = .bool(active.count == named.count && missing.isEmpty)
                    result["service"] = active.first ?? .null
                }
            } else {
                let arns = try await AWSModuleError.wrapping("Couldn't list ECS services") { try await ecs.listServices(cluster: cluster) }
                result["services"] = .list(arns.map(Value.string))
            }
            return .ok(changed: false, result)
        }
    }

    /// The service without its events unless asked for.
    private func service(_ raw: Value, events: Bool) -> Value {
        guard !events, case .dict(var fields) = raw else { return raw }
        fields.removeValue(forKey: "events")
        return .dict(fields)
    }
}
