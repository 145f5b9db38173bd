import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// community.aws `ecs_task`: `operation` run (RunTask), start (StartTask on named container
/// instances) or stop (StopTask), with the collection's arguments; `task` is what ECS answered
/// (a list for run and start, one task for stop). `wait` waits, as the collection does, until the
/// tasks run (run) or the task stopped (stop).
/// play's additions: `wait_for_exit` waits (up to `wait_timeout` seconds) until the tasks started
/// have stopped and reports `exit_codes` (per task, each container's exit code) and `exit_code`
/// (the first task's first essential container's): the task fails when a container exited
/// non-zero or never ran (its `stoppedReason`, e.g. CannotPullContainerError): a one-off
/// migration or test task as a deploy step. Stopping a task that already stopped is no change.
/// (The collection's test for an existing task compares task ARNs with the task definition's name,
/// which never matches; play leaves it out.)
public struct ECSTaskModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ecs_task", arguments: [
        ArgumentSpec("operation", .string, required: true, choices: ["run", "start", "stop"]),
        ArgumentSpec("cluster", .string, defaultValue: "default"),
        ArgumentSpec("task_definition", .string),
        ArgumentSpec("overrides", .dict),
        ArgumentSpec("count", .int),
        ArgumentSpec("task", .string),
        ArgumentSpec("container_instances", .list, elements: .string),
        ArgumentSpec("started_by", .string),
        ArgumentSpec("network_configuration", .dict),
        ArgumentSpec("launch_type", .string, choices: ["EC2", "FARGATE"]),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("wait", .bool, defaultValue: false),
        ArgumentSpec("wait_for_exit", .bool, defaultValue: false),
        ArgumentSpec("wait_timeout", .float, defaultValue: 600),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        try ArgumentRequirements.requireIf(context, "launch_type", "FARGATE", ["network_configuration"])
        try ArgumentRequirements.requireIf(context, "operation", "run", ["task_definition"])
        try ArgumentRequirements.requireIf(context, "operation", "start", ["task_definition", "container_instances"])
        try ArgumentRequirements.requireIf(context, "operation", "stop", ["task_definition", "task"])
        let cluster = context.string("cluster") ?? "default"
        let session = try await context.awsSession().session
        let ecs = session.ecs()
        let tasks = ECSTaskWatch(ecs: ecs, cluster: cluster)
        if context.string("operation") == "stop" {
            let task = context.string("task") ?? ""
            let now = try await AWSModuleError.wrapping("describing task '\(task)'") { try await ecs.describeTasks(cluster: cluster, tasks: [task]) }
            if let stopped = now.tasks.first, stopped["lastStatus"]?.stringValue == "STOPPED" {
                return .ok(changed: false, ["task": ECSResultShape.jsonized(stopped)])
            }
            if context.checkMode { return .ok(changed: true, [:]) }
            var result = try await AWSModuleError.wrapping("Couldn't stop task") { try await ecs.stopTask(cluster: cluster, task: task) }
            if context.bool("wait") || context.bool("wait_for_exit") {
                result = try await tasks.waitStopped([task], timeout: context.double("wait_timeout") ?? 600, context).first ?? result
            }
            return .ok(changed: true, ["task": ECSResultShape.jsonized(result)])
        }
        if context.checkMode { return .ok(changed: true, [:]) }
        let body = try await requestBody(context, cluster: cluster, ec2: session.ec2())
        let operation = context.string("operation") == "start" ? "start" : "run"
        let (started, failures) = try await AWSModuleError.wrapping("Couldn't \(operation) task") {
            try await operation == "start" ? ecs.startTask(body) : ecs.runTask(body)
        }
        if started.isEmpty {
            let reasons = failures.map { "\($0["arn"]?.stringValue ?? "?"): \($0["reason"]?.stringValue ?? "?")" }
            throw AWSModuleError("Couldn't \(operation) task: ECS started none (\(reasons.joined(separator: "; ")))",
                                 ["failures": .list(failures), "changed": false])
        }
        let arns = started.compactMap { $0["taskArn"]?.stringValue }
        let timeout = context.double("wait_timeout") ?? 600
        if context.bool("wait_for_exit") {
            let stopped = try await tasks.waitStopped(arns, timeout: timeout, context)
            return try tasks.exitResult(stopped)
        }
        var final = started
        if context.bool("wait") && operation == "run" { final = try await tasks.waitRunning(arns, timeout: timeout, context) }
        return .ok(changed: true, ["task": .list(final.map { ECSResultShape.jsonized($0) })])
    }

    /// The RunTask / StartTask body from the arguments.
    private func requestBody(_ context: ModuleContext, cluster: String, ec2: EC2Client) async throws -> OrderedDictionary<String, Value> {
        var body: OrderedDictionary<String, Value> = ["cluster": .string(cluster), "taskDefinition": .string(context.string("task_definition") ?? "")]
        if let overrides = context.args["overrides"], !overrides.isNull { body["overrides"] = overrides }
        if context.string("operation") == "start" {
            body["containerInstances"] = .list(context.list("container_instances") ?? [])
        } else {
            body["count"] = .int(context.int("count") ?? 1)
            if let launch = context.string("launch_type") { body["launchType"] = .string(launch) }
        }
        if let by = context.string("started_by") { body["startedBy"] = .string(by) }
        if let network = context.args["network_configuration"], !network.isNull {
            body["networkConfiguration"] = try await ECSNetworkConfiguration.request(network, ec2: ec2)
        }
        if case .dict(let tags)? = context.args["tags"], !tags.isEmpty { body["tags"] = ECSResultShape.tagList(tags) }
        return body
    }
}
