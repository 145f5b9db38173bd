import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `autoscaling_instance_refresh`: starts (`state: started`, with `strategy` and
/// `preferences`) or cancels (`state: cancelled`) the instance refresh of the group `name`, and
/// returns it as DescribeInstanceRefreshes then reports it (`instance_refreshes`, one refresh in
/// snake_case). As the collection does, it does not wait, and `changed` is false (the collection
/// never sets it) except in check mode, which only looks at the group's latest refresh.
/// Checkpoints, auto rollback and waiting with progress are play's `instance_refresh`.
public struct AutoScalingInstanceRefreshModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "autoscaling_instance_refresh", arguments: [
        ArgumentSpec("state", .string, required: true, choices: ["started", "cancelled"]),
        ArgumentSpec("name", .string, required: true, aliases: ["group_name"]),
        ArgumentSpec("strategy", .string, defaultValue: "Rolling"),
        ArgumentSpec("preferences", .dict),
    ] + AWSArguments.specs)

    static let preferenceKinds: [String: InstanceRefreshes.ArgumentKind] = [
        "min_healthy_percentage": .int, "instance_warmup": .int, "skip_matching": .bool, "max_healthy_percentage": .int,
    ]

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let state = context.string("state") ?? "started"
            let name = context.string("name") ?? ""
            var preferences: [(String, Value)] = []
            if let given = context.args["preferences"], !given.isNull {
                if state == "cancelled" { throw AWSModuleError("can not pass preferences dict when canceling a refresh") }
                preferences = try InstanceRefreshes.preferences(given, allowed: Self.preferenceKinds,
                                                                defaults: [("min_healthy_percentage", .int(90))])
                if let problem = Self.percentageProblem(preferences) { throw AWSModuleError(problem) }
            }
            let refreshes = InstanceRefreshes(client: try await context.awsSession().session.autoScaling())
            if context.checkMode { return try await checkMode(refreshes, state: state, name: name) }
            let id = state == "started"
                ? try await refreshes.start(group: name, strategy: context.string("strategy") ?? "Rolling", preferences: preferences)
                : try await refreshes.cancel(group: name)
            let refresh = try await refreshes.one(group: name, id: id)
            return .ok(changed: false, ["instance_refreshes": .dict(refresh)])
        }
    }

    /// The collection's range checks of min/max_healthy_percentage, with its messages.
    static func percentageProblem(_ preferences: [(String, Value)]) -> String? {
        let given = Dictionary(preferences.map { ($0.0, $0.1.intValue) }) { a, _ in a }
        let minimum = given["MinHealthyPercentage"] ?? nil, maximum = given["MaxHealthyPercentage"] ?? nil
        if let minimum, minimum < 0 || minimum > 100 { return "The value range for the min_healthy_percentage is 0 to 100." }
        guard let maximum else { return nil }
        if maximum < 100 || maximum > 200 { return "The value range for the max_healthy_percentage is 100 to 200." }
        guard let minimum else { return "You must also specify min_healthy_percentage when max_healthy_percentage is specified." }
        if maximum - minimum > 100 {
            return "The difference between the max_healthy_percentage and min_healthy_percentage cannot be greater than 100."
        }
        return nil
    }

    private func checkMode(_ refreshes: InstanceRefreshes, state: String, name: String) async throws -> TaskResult {
        let latest = try await refreshes.describe(group: name).0.first
        let status = latest?.string("Status") ?? ""
        if state == "started" {
            return latest != nil
                ? .ok(changed: false, ["msg": "In check_mode - Instance Refresh is already in progress, can not start new instance refresh."])
                : .ok(changed: true, ["msg": "Would have started instance refresh if not in check mode."])
        }
        if latest != nil && ["Cancelling", "Cancelled"].contains(status) {
            return .ok(changed: false, ["msg": "In check_mode - Instance Refresh already cancelled or is pending cancellation."])
        }
        if latest == nil { return .ok(changed: false, ["msg": "In check_mode - No active referesh found, nothing to cancel."]) }
        return .ok(changed: true, ["msg": "Would have cancelled instance refresh if not in check mode."])
    }
}
