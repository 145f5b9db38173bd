import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// community.aws `elb_target`: registers (`state: present`) or deregisters (`absent`) one target
/// in a target group given by name or ARN; with `target_status`, waits up to
/// `target_status_timeout` seconds for the target to reach that health state. Deregistering a
/// target AWS reports `unused` needs `deregister_unused`. Returns `target_group_arn` and
/// `target_health_descriptions` (the group's first target, as the collection reports it).
/// Like the collection's, it does not run in check mode (the task is skipped).
public struct ELBTargetModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "elb_target", arguments: [
        ArgumentSpec("deregister_unused", .bool, defaultValue: false),
        ArgumentSpec("target_az", .string),
        ArgumentSpec("target_group_arn", .string),
        ArgumentSpec("target_group_name", .string),
        ArgumentSpec("target_id", .string, required: true),
        ArgumentSpec("target_port", .int),
        ArgumentSpec("target_status", .string, choices: ["initial", "healthy", "unhealthy", "unused", "draining", "unavailable"]),
        ArgumentSpec("target_status_timeout", .int, defaultValue: 60),
        ArgumentSpec("state", .string, required: true, choices: ["present", "absent"]),
    ] + AWSArguments.specs, mutuallyExclusive: [["target_group_arn", "target_group_name"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        if context.checkMode { return .skipped("remote module (community.aws.elb_target) does not support check mode") }
        return try await runAWSModule {
            let session = try await context.awsSession()
            let elbv2 = session.elbv2
            let arn: String
            if let given = context.string("target_group_arn") {
                arn = given
            } else if let name = context.string("target_group_name") {
                arn = try await session.targetGroup(named: name).arn
            } else {
                throw AWSModuleError("one of target_group_arn or target_group_name is required")
            }
            let target = ELBv2Target(id: context.string("target_id") ?? "", port: context.int("target_port"),
                                     availabilityZone: context.string("state") == "present" ? context.string("target_az") : nil)
            let current = try await health(elbv2, arn, target)
            let state = current?["State"] ?? "unused", reason = current?["Reason"]
            var changed = false
            if context.string("state") == "present" {
                if reason == "Target.NotRegistered" || current == nil {
                    try await AWSModuleError.wrapping("registering \(target.id) in \(arn)") {
                        try await elbv2.registerTargets(targetGroupARN: arn, targets: [target])
                    }
                    changed = true
                }
            } else {
                let deregister = context.bool("deregister_unused", default: false) && state == "unused"
                    ? reason != "Target.NotRegistered" : !["unused", "draining"].contains(state)
                if deregister {
                    try await AWSModuleError.wrapping("deregistering \(target.id) from \(arn)") {
                        try await elbv2.deregisterTargets(targetGroupARN: arn, targets: [target])
                    }
                    changed = true
                }
            }
            if let wanted = context.string("target_status"), changed || context.string("state") == "absent" {
                var loop = PollLoop(timeout: Double(context.int("target_status_timeout") ?? 60))
                while try await health(elbv2, arn, target)?["State"] != wanted {
                    if loop.timedOut {
                        throw AWSModuleError("Error waiting for target \(target.id) to reach state \(wanted) (\(Int(loop.elapsed))s)")
                    }
                    try await loop.pause()
                }
            }
            var request = ELBv2Request("DescribeTargetHealth")
            request.set("TargetGroupArn", arn)
            let descriptions = try await AWSModuleError.wrapping("describing the targets of \(arn)") {
                try await elbv2.send(request).list("TargetHealthDescriptions", item: "member")
            }
            return .ok(changed: changed, [
                "target_health_descriptions": descriptions.first.map { .dict(ELBv2ResultShape.dict($0)) } ?? .dict([:]),
                "target_group_arn": .string(arn),
            ])
        }
    }

    /// The target's health (`State`, `Reason`), or nil when AWS does not describe it.
    private func health(_ elbv2: ELBv2Client, _ arn: String, _ target: ELBv2Target) async throws -> [String: String]? {
        var request = ELBv2Request("DescribeTargetHealth")
        request.set("TargetGroupArn", arn)
        request.set("Targets.member.1.Id", target.id)
        request.set("Targets.member.1.Port", target.port)
        request.set("Targets.member.1.AvailabilityZone", target.availabilityZone)
        let root = try await AWSModuleError.wrapping("describing target \(target.id) in \(arn)") { try await elbv2.send(request) }
        guard let health = root.list("TargetHealthDescriptions", item: "member").first?["TargetHealth"] else { return nil }
        var out: [String: String] = [:]
        out["State"] = health.nonEmpty("State")
        out["Reason"] = health.nonEmpty("Reason")
        return out
    }
}
