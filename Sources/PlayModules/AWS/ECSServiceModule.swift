import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// community.aws `ecs_service`: creates, updates or deletes a service (`state` present, absent,
/// deleting) with the collection's arguments, and returns `service` as ECS answers it.
/// Beyond the collection (which waits only for a deletion): with `wait` and `state: present` the
/// module waits until the service is stable (one deployment, running = desired, its rollout
/// COMPLETED; a FAILED rollout, the circuit breaker's verdict, fails at once) and, when it has
/// load balancers, until each target group shows that many healthy targets (`ECSServiceStability`).
/// `task_definition` may be a family (its latest active revision), `family:revision` or an ARN; the
/// service matches when it runs that revision, whichever way it is written (the collection
/// compares the text, so an ARN always counts as a change there).
public struct ECSServiceModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ecs_service", arguments: [
        // The collection requires state; play defaults it to present (playbooks written for play omit it).
        ArgumentSpec("state", .string, choices: ["present", "absent", "deleting"], defaultValue: "present"),
        ArgumentSpec("name", .string, required: true, aliases: ["service"]),
        ArgumentSpec("cluster", .string, defaultValue: "default"),
        ArgumentSpec("task_definition", .string),
        ArgumentSpec("load_balancers", .list, defaultValue: [], elements: .dict),
        ArgumentSpec("desired_count", .int),
        ArgumentSpec("client_token", .string, defaultValue: ""),
        ArgumentSpec("role", .string, defaultValue: ""),
        ArgumentSpec("delay", .int, defaultValue: 10),
        ArgumentSpec("repeat", .int, defaultValue: 10),
        ArgumentSpec("force_new_deployment", .bool, defaultValue: false),
        ArgumentSpec("force_deletion", .bool, defaultValue: false),
        ArgumentSpec("deployment_controller", .dict, defaultValue: [:]),
        ArgumentSpec("deployment_configuration", .dict, defaultValue: [:]),
        ArgumentSpec("wait", .bool, defaultValue: false),
        // play's: how long `wait` may take (the collection's delay × repeat when not given).
        ArgumentSpec("wait_timeout", .float),
        ArgumentSpec("placement_constraints", .list, defaultValue: [], elements: .dict),
        ArgumentSpec("purge_placement_constraints", .bool, defaultValue: false),
        ArgumentSpec("placement_strategy", .list, defaultValue: [], elements: .dict),
        ArgumentSpec("purge_placement_strategy", .bool, defaultValue: false),
        ArgumentSpec("health_check_grace_period_seconds", .int),
        ArgumentSpec("network_configuration", .dict),
        ArgumentSpec("launch_type", .string, choices: ["EC2", "FARGATE"]),
        ArgumentSpec("platform_version", .string),
        ArgumentSpec("service_registries", .list, defaultValue: [], elements: .dict),
        ArgumentSpec("scheduling_strategy", .string, choices: ["DAEMON", "REPLICA"]),
        ArgumentSpec("capacity_provider_strategy", .list, defaultValue: [], elements: .dict),
        ArgumentSpec("propagate_tags", .string, choices: ["TASK_DEFINITION", "SERVICE"]),
        ArgumentSpec("tags", .dict),
        ArgumentSpec("enable_execute_command", .bool),
    ] + AWSArguments.specs, mutuallyExclusive: [["launch_type", "capacity_provider_strategy"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        try ArgumentRequirements.requireIf(context, "launch_type", "FARGATE", ["network_configuration"])
        let name = context.string("name") ?? ""
        let cluster = context.string("cluster") ?? "default"
        let state = context.string("state") ?? "present"
        if state == "present" {
            if context.string("scheduling_strategy") == "REPLICA" && context.int("desired_count") == nil {
                throw AWSModuleError("state is present, scheduling_strategy is REPLICA; missing desired_count")
            }
            if context.string("task_definition") == nil && !context.bool("force_new_deployment") {
                throw AWSModuleError("Either task_definition or force_new_deployment is required when status is present.")
            }
        }
        if (context.list("capacity_provider_strategy") ?? []).count > 6 {
            throw AWSModuleError("AWS allows a maximum of six capacity providers in the strategy.")
        }
        let session = try await context.awsSession().session
        let ecs = session.ecs()
        let existing = try await AWSModuleError.wrapping("Exception describing service '\(name)' in cluster '\(cluster)'") {
            try await Self.describeRaw(ecs, cluster: cluster, name: name)
        }
        switch state {
        case "absent": return try await absent(context, ecs, cluster: cluster, name: name, existing: existing)
        case "deleting": return try await deleting(context, ecs, cluster: cluster, name: name, existing: existing)
        default:
            var request = try await ECSServiceRequest(context, ecs: ecs, ec2: session.ec2(), existing: existing)
            return try await present(context, ecs, &request, cluster: cluster, name: name, existing: existing)
        }
    }

    private func present(_ context: ModuleContext, _ ecs: ECSClient, _ request: inout ECSServiceRequest, cluster: String,
                         name: String, existing: Value?) async throws -> TaskResult {
        let active = existing?["status"]?.stringValue == "ACTIVE" ? existing : nil
        var service: Value
        var changed = true
        if let active, !context.bool("force_new_deployment"), request.matches(active) {
            changed = false
            service = ECSResultShape.jsonized(active)
        } else if context.checkMode {
            return .ok(changed: true, [:])
        } else if let active {
            let body = try request.updateBody(active)
            context.progress("updating service \(name)")
            service = ECSResultShape.service(try await AWSModuleError.wrapping("Couldn't create service") { try await ecs.updateService(body) })
        } else {
            context.progress("creating service \(name)")
            let body = request.createBody()
            service = ECSResultShape.service(try await AWSModuleError.wrapping("Couldn't create service") { try await ecs.createService(body) })
        }
        if context.bool("wait") && !context.checkMode {
            let timeout = context.double("wait_timeout") ?? Double(max(1, context.int("delay") ?? 10) * max(1, context.int("repeat") ?? 10))
            let stable = try await ECSServiceStability(ecs: ecs, elbv2: ecs.session.elbv2(region: ecs.region), cluster: cluster, name: name)
                .wait(timeout: timeout, context: context, changed: changed)
            service = ECSResultShape.service(stable)
        }
        return .ok(changed: changed, ["service": service])
    }

    private func absent(_ context: ModuleContext, _ ecs: ECSClient, cluster: String, name: String, existing: Value?) async throws -> TaskResult {
        guard let existing, case .dict(var facts) = ECSResultShape.jsonized(existing) else { return .ok(changed: false, [:]) }
        facts.removeValue(forKey: "deployments")
        facts.removeValue(forKey: "events")
        if facts["status"]?.stringValue == "INACTIVE" { return .ok(changed: false, ["ansible_facts": .dict(facts)]) }
        if !context.checkMode {
            try await AWSModuleError.wrapping("Couldn't delete service") {
                try await ecs.deleteService(cluster: cluster, service: name, force: context.bool("force_deletion"))
            }
            if context.bool("wait") {
                let delay = max(0, context.int("delay") ?? 10), repeats = max(1, context.int("repeat") ?? 10)
                guard try await pollInactive(ecs, cluster: cluster, name: name, delay: delay, repeats: repeats, context) else {
                    throw AWSModuleError("Timeout waiting for service removal: '\(name)' still not INACTIVE after \(repeats) tries of \(delay) seconds each")
                }
            }
        }
        return .ok(changed: true, ["ansible_facts": .dict(facts)])
    }

    private func deleting(_ context: ModuleContext, _ ecs: ECSClient, cluster: String, name: String, existing: Value?) async throws -> TaskResult {
        guard existing != nil else { throw AWSModuleError("Service '\(name) not found.") }
        let delay = max(0, context.int("delay") ?? 10), repeats = max(1, context.int("repeat") ?? 10)
        try await Task.sleep(for: .seconds(delay))
        guard try await pollInactive(ecs, cluster: cluster, name: name, delay: delay, repeats: repeats, context) else {
            throw AWSModuleError("Service still not deleted after \(repeats) tries of \(delay) seconds each.")
        }
        return .ok(changed: true, [:])
    }

    /// Describes the service up to `repeats` times, `delay` seconds apart, until it is INACTIVE (or gone).
    private func pollInactive(_ ecs: ECSClient, cluster: String, name: String, delay: Int, repeats: Int,
                              _ context: ModuleContext) async throws -> Bool {
        for attempt in 1...repeats {
            let now = try await AWSModuleError.wrapping("describing service '\(name)'") { try await Self.describeRaw(ecs, cluster: cluster, name: name) }
            if now == nil || now?["status"]?.stringValue == "INACTIVE" { return true }
            context.progress("service '\(name)' is \(now?["status"]?.stringValue ?? "?") (\(attempt)/\(repeats))")
            if attempt < repeats { try await Task.sleep(for: .seconds(delay)) }
        }
        return false
    }

    /// The service as DescribeServices answers it (tags included); nil when ECS reports it MISSING.
    static func describeRaw(_ ecs: ECSClient, cluster: String, name: String) async throws -> Value? {
        let (services, failures) = try await ecs.describeServicesRaw(cluster: cluster, services: [name])
        if let found = services.first(where: { ($0["serviceArn"]?.stringValue ?? "").hasSuffix(name) || $0["serviceName"]?.stringValue == name }) {
            return found
        }
        if failures.contains(where: { $0["reason"]?.stringValue == "MISSING" }) || services.isEmpty { return nil }
        throw AWSModuleError("Unknown problem describing service \(name).")
    }

    /// The service, or nil when ECS does not know it (or it was deleted: INACTIVE).
    static func describe(_ ecs: ECSClient, cluster: String, name: String) async throws -> ECSService? {
        let (services, _) = try await AWSModuleError.wrapping("describing service '\(name)' in cluster '\(cluster)'") {
            try await ecs.describeServices(cluster: cluster, services: [name])
        }
        return services.first { $0.status != "INACTIVE" }
    }
}
