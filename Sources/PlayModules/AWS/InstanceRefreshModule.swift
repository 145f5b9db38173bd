import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `instance_refresh`: starts an Auto Scaling instance refresh with every preference the API
/// takes (checkpoints, auto rollback, max healthy percentage) and an optional desired launch
/// template, then with `wait` follows it with progress lines until it ends. It succeeds only when
/// the refresh is `Successful`; a refresh that fails, is cancelled or rolled back fails the task
/// with AWS's reason. When `wait_timeout` passes first, `on_timeout` rolls it back
/// (RollbackInstanceRefresh; a cancel where AWS cannot roll back) or cancels it, and the task
/// waits for that to finish (up to `wait_timeout` again, at least 300 s). A refresh already running on the group is refused, not joined.
/// amazon.aws `autoscaling_instance_refresh` is the collection's module (start or cancel, no wait).
public struct InstanceRefreshModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "instance_refresh", arguments: [
        ArgumentSpec("name", .string, required: true, aliases: ["group_name"]),
        ArgumentSpec("strategy", .string, defaultValue: "Rolling"),
        ArgumentSpec("launch_template", .dict),
        ArgumentSpec("preferences", .dict),
        ArgumentSpec("wait", .bool, defaultValue: true),
        ArgumentSpec("wait_timeout", .float, defaultValue: 900),
        ArgumentSpec("on_timeout", .string, choices: ["rollback", "cancel", "leave"], defaultValue: "rollback"),
    ] + AWSArguments.specs)

    static let preferenceKinds: [String: InstanceRefreshes.ArgumentKind] = [
        "min_healthy_percentage": .int, "max_healthy_percentage": .int, "instance_warmup": .int, "skip_matching": .bool,
        "checkpoint_percentages": .intList, "checkpoint_delay": .int, "auto_rollback": .bool,
    ]
    /// The least time a cancel or rollback after the timeout is waited for (it finishes the batch under way).
    static let stopTimeout = 300.0
    static let templateKeys = ["launch_template_id": "LaunchTemplateId", "launch_template_name": "LaunchTemplateName",
                               "version": "Version"]

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        let name = context.string("name") ?? ""
        let preferences = try InstanceRefreshes.preferences(context.args["preferences"], allowed: Self.preferenceKinds,
                                                            defaults: [("min_healthy_percentage", .int(90))])
        if let problem = AutoScalingInstanceRefreshModule.percentageProblem(preferences) { throw AWSModuleError(problem) }
        let template = try Self.launchTemplate(context.args["launch_template"])
        let refreshes = InstanceRefreshes(client: try await context.awsSession().session.autoScaling())
        if let running = try await refreshes.describe(group: name, maxRecords: 1).0.first,
           let status = running.string("Status"), !InstanceRefreshes.finished.contains(status) {
            throw AWSModuleError("instance refresh \(running.string("InstanceRefreshId") ?? "") of \(name) is \(status); "
                                 + "wait for it or cancel it first")
        }
        if context.checkMode { return .ok(changed: true, ["msg": .string("Would have started an instance refresh of \(name).")]) }
        let id = try await refreshes.start(group: name, strategy: context.string("strategy") ?? "Rolling",
                                           preferences: preferences, launchTemplate: template)
        context.progress("instance refresh \(id) of \(name) started")
        guard context.bool("wait", default: true) else {
            return Self.result(try await refreshes.one(group: name, id: id), id: id, failure: nil)
        }
        let timeout = context.double("wait_timeout") ?? 900
        let (refresh, finished) = try await follow(context, refreshes, name: name, id: id, timeout: timeout)
        if finished, let refresh {
            let status = refresh["status"]?.renderedString ?? ""
            return Self.result(refresh, id: id, failure: status == "Successful" ? nil : "instance refresh of \(name) ended \(status)")
        }
        return try await stopAfterTimeout(context, refreshes, name: name, id: id, waited: timeout)
    }

    /// Polls the refresh until it ends or `timeout` passes, with a progress line whenever it
    /// changes: the last answer and whether the refresh ended.
    private func follow(_ context: ModuleContext, _ refreshes: InstanceRefreshes, name: String, id: String,
                        timeout: Double) async throws -> (OrderedDictionary<String, Value>?, Bool) {
        var loop = PollLoop(timeout: timeout)
        var last = "", latest: OrderedDictionary<String, Value>?
        while true {
            if let refresh = try await loop.poll({ try await refreshes.one(group: name, id: id) }) {
                latest = refresh
                let line = Self.progressLine(refresh)
                if line != last { context.progress(line + " " + loop.progressSuffix); last = line }
                if InstanceRefreshes.finished.contains(refresh["status"]?.renderedString ?? "") { return (refresh, true) }
            }
            if loop.timedOut { return (latest, false) }
            try await loop.pause()
        }
    }

    /// The timeout's action, then a wait for it to finish (at least `stopTimeout`).
    private func stopAfterTimeout(_ context: ModuleContext, _ refreshes: InstanceRefreshes, name: String, id: String,
                                  waited: Double) async throws -> TaskResult {
        let action = context.string("on_timeout") ?? "rollback"
        let what = "instance refresh of \(name) did not finish within \(PollLoop.seconds(waited)) s"
        if action == "leave" { return Self.result(try await refreshes.one(group: name, id: id), id: id, failure: what) }
        var done = action
        do {
            if action == "rollback" { _ = try await refreshes.rollback(group: name) } else { _ = try await refreshes.cancel(group: name) }
        } catch let error as AWSModuleError where action == "rollback" && error.message.contains("IrreversibleInstanceRefresh") {
            _ = try await refreshes.cancel(group: name)
            done = "cancel (it cannot be rolled back)"
        }
        context.progress("\(what); \(done)")
        let (refresh, _) = try await follow(context, refreshes, name: name, id: id, timeout: max(waited, Self.stopTimeout))
        let final: OrderedDictionary<String, Value>
        if let refresh { final = refresh } else { final = try await refreshes.one(group: name, id: id) }
        return Self.result(final, id: id, failure: "\(what); \(done): \(final["status"]?.renderedString ?? "")")
    }

    /// "InProgress: 50% done, 2 to update" (with the rollback's progress while it rolls back).
    static func progressLine(_ refresh: OrderedDictionary<String, Value>) -> String {
        let status = refresh["status"]?.renderedString ?? "?"
        var line = "\(status): \(refresh["percentage_complete"]?.renderedString ?? "0")% done, "
            + "\(refresh["instances_to_update"]?.renderedString ?? "?") to update"
        if let rollback = refresh["rollback_details"]?.dictValue {
            line += "; rollback \(rollback["percentage_complete_on_rollback"]?.renderedString ?? "0")% done, "
                + "\(rollback["instances_to_update_on_rollback"]?.renderedString ?? "?") to update"
        }
        if let reason = refresh["status_reason"]?.renderedString, !reason.isEmpty { line += " (\(reason))" }
        return line
    }

    static func result(_ refresh: OrderedDictionary<String, Value>, id: String, failure: String?) -> TaskResult {
        let data: OrderedDictionary<String, Value> = [
            "instance_refresh_id": .string(id), "status": refresh["status"] ?? .null, "instance_refresh": .dict(refresh)]
        guard let failure else { return .ok(changed: true, data) }
        let reason = refresh["status_reason"]?.renderedString ?? ""
        var failed = TaskResult.failed(failure + (reason.isEmpty ? "" : ": \(reason)"), data)
        failed.changed = true
        return failed
    }

    /// The desired launch template as DesiredConfiguration members.
    static func launchTemplate(_ given: Value?) throws -> [(String, String)] {
        guard let given, !given.isNull else { return [] }
        guard let dict = given.dictValue else { throw AWSModuleError("launch_template must be a dictionary, not \(given.typeName)") }
        var out: [(String, String)] = []
        for (key, value) in dict where !value.isNull {
            guard let member = templateKeys[key] else {
                throw AWSModuleError("Unsupported parameters for (launch_template): \(key). Supported parameters include: "
                                     + templateKeys.keys.sorted().joined(separator: ", "))
            }
            out.append((member, value.renderedString))
        }
        if !out.contains(where: { $0.0 != "Version" }) {
            throw AWSModuleError("launch_template needs launch_template_id or launch_template_name")
        }
        return out
    }
}
