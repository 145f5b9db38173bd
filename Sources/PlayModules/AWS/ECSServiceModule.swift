import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `ecs_service`: points a service at a task definition and/or a desired count (creating the
/// service when it does not exist), then with `wait` polls until it is stable as
/// `aws ecs wait services-stable` defines it: one deployment and running = desired.
/// `task_definition` may be a family (its latest active revision), `family:revision` or an ARN;
/// `changed` is false when the service already runs that revision with that count.
/// `previous_task_definition` is what the service ran before: what a rollback goes back to.
public struct ECSServiceModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ecs_service", arguments: [
        ArgumentSpec("name", .string, required: true, aliases: ["service"]),
        ArgumentSpec("cluster", .string, defaultValue: "default"),
        ArgumentSpec("task_definition", .string),
        ArgumentSpec("desired_count", .int),
        ArgumentSpec("launch_type", .string, choices: ["EC2", "FARGATE"]),
        ArgumentSpec("force_new_deployment", .bool, defaultValue: false),
        ArgumentSpec("state", .string, choices: ["present"], defaultValue: "present"),
        ArgumentSpec("wait", .bool, defaultValue: false),
        ArgumentSpec("wait_timeout", .float, defaultValue: 600),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        let name = context.string("name") ?? ""
        let cluster = context.string("cluster") ?? "default"
        let desired = context.int("desired_count")
        if let desired, desired < 0 { throw AWSModuleError("desired_count must be 0 or more, not \(desired)") }
        let ecs = try await context.awsSession().session.ecs()
        let current = try await Self.describe(ecs, cluster: cluster, name: name)

        var wantedARN: String?
        if let requested = context.string("task_definition"), !requested.isEmpty {
            do {
                wantedARN = try await ECSTaskDefinitionInfoModule.resolve(ecs, requested)?.arn
                if wantedARN == nil { throw AWSModuleError("task definition family '\(requested)' has no active revision in \(ecs.region)") }
            } catch let error as AWSError where error.isUnknownTaskDefinition {
                throw AWSModuleError("task definition '\(requested)' not found in \(ecs.region): register it first (ecs_taskdefinition)")
            } catch let error as AWSError {
                throw AWSModuleError(error, while: "describing task definition '\(requested)'")
            }
        }

        var result: OrderedDictionary<String, Value> = [
            "previous_task_definition": current?.taskDefinition.map(Value.string) ?? .null,
        ]
        var changed = false
        var service: ECSService
        if let current {
            var changes: [String] = []
            if let wantedARN, wantedARN != current.taskDefinition {
                changes.append("task definition \(Self.shortName(current.taskDefinition)) -> \(Self.shortName(wantedARN))")
            }
            if let desired, desired != current.desiredCount { changes.append("desired count \(current.desiredCount) -> \(desired)") }
            let force = context.bool("force_new_deployment")
            if force { changes.append("a new deployment") }
            changed = !changes.isEmpty
            if context.checkMode || !changed {
                result["service"] = current.resultValue
                result["msg"] = .string(changed ? "would change \(name): " + changes.joined(separator: ", ")
                    : "\(name) already runs \(Self.shortName(current.taskDefinition)) with \(current.desiredCount) tasks")
                if context.checkMode || !context.bool("wait") { return .ok(changed: changed, result) }
                service = current
            } else {
                context.progress("updating \(name): " + changes.joined(separator: ", "))
                service = try await AWSModuleError.wrapping("updating service '\(name)' in cluster '\(cluster)'") {
                    try await ecs.updateService(cluster: cluster, service: name, taskDefinition: wantedARN == current.taskDefinition ? nil : wantedARN,
                                                desiredCount: desired == current.desiredCount ? nil : desired, forceNewDeployment: force)
                }
                result["msg"] = .string("updated \(name): " + changes.joined(separator: ", "))
            }
        } else {
            guard let wantedARN, let desired else {
                throw AWSModuleError("service '\(name)' does not exist in cluster '\(cluster)': give task_definition and desired_count to create it")
            }
            changed = true
            if context.checkMode {
                return .ok(changed: true, ["previous_task_definition": .null,
                                           "msg": .string("would create service '\(name)' running \(Self.shortName(wantedARN))")])
            }
            context.progress("creating service \(name)")
            service = try await AWSModuleError.wrapping("creating service '\(name)' in cluster '\(cluster)'") {
                try await ecs.createService(cluster: cluster, name: name, taskDefinition: wantedARN, desiredCount: desired,
                                            launchType: context.string("launch_type"))
            }
            result["msg"] = .string("created service '\(name)' running \(Self.shortName(wantedARN))")
        }

        if context.bool("wait") {
            service = try await waitStable(ecs, cluster: cluster, name: name, last: service, context: context, changed: changed, result: result)
        }
        result["service"] = service.resultValue
        return .ok(changed: changed, result)
    }

    /// Polls DescribeServices until the service is stable; a timeout fails the task with what it saw.
    private func waitStable(_ ecs: ECSClient, cluster: String, name: String, last: ECSService, context: ModuleContext,
                            changed: Bool, result: OrderedDictionary<String, Value>) async throws -> ECSService {
        var loop = PollLoop(timeout: context.double("wait_timeout") ?? 600)
        var service = last
        while true {
            if let fresh = try await loop.poll({ try await Self.describe(ecs, cluster: cluster, name: name) }) {
                guard let fresh else { throw AWSModuleError("service '\(name)' disappeared from cluster '\(cluster)' while waiting") }
                service = fresh
            }
            if service.isStable { return service }
            if loop.timedOut {
                var data = result
                data["service"] = service.resultValue
                data["changed"] = .bool(changed)
                let previous = result["previous_task_definition"]?.stringValue
                let advice = changed && previous != nil && previous != service.taskDefinition
                    ? "; roll back to \(Self.shortName(previous)) if the new revision cannot start" : ""
                throw AWSModuleError("service '\(name)' not stable after \(Int(loop.elapsed))s: \(service.progressSummary). "
                    + "Check the service's events and stopped tasks" + advice, data)
            }
            context.progress("\(name): \(service.progressSummary) \(loop.progressSuffix)")
            try await loop.pause()
        }
    }

    /// The service, or nil when ECS does not know it (or it was deleted: INACTIVE).
    static func describe(_ ecs: ECSClient, cluster: String, name: String) async throws -> ECSService? {
        let (services, _) = try await AWSModuleError.wrapping("describing service '\(name)' in cluster '\(cluster)'") {
            try await ecs.describeServices(cluster: cluster, services: [name])
        }
        return services.first { $0.status != "INACTIVE" }
    }

    /// "web:3" from a task definition ARN.
    static func shortName(_ arn: String?) -> String {
        guard let arn else { return "(none)" }
        return arn.split(separator: "/").last.map(String.init) ?? arn
    }
}
