import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// Watching one-off tasks for `ecs_task`: until they run (the collection's `tasks_running`
/// waiter: a task that stops first fails the wait), until they stop, and what their containers
/// exited with.
struct ECSTaskWatch {
    let ecs: ECSClient
    let cluster: String

    func waitRunning(_ arns: [String], timeout: Double, _ context: ModuleContext) async throws -> [Value] {
        try await poll(arns, timeout: timeout, context, until: "RUNNING") { tasks in
            if let stopped = tasks.first(where: { $0["lastStatus"]?.stringValue == "STOPPED" }) {
                throw AWSModuleError("Timeout waiting for tasks to run: task \(Self.id(stopped)) stopped"
                    + Self.reason(stopped), ["task": .list(tasks.map { ECSResultShape.jsonized($0) }), "changed": true])
            }
            return tasks.allSatisfy { $0["lastStatus"]?.stringValue == "RUNNING" }
        }
    }

    func waitStopped(_ arns: [String], timeout: Double, _ context: ModuleContext) async throws -> [Value] {
        try await poll(arns, timeout: timeout, context, until: "STOPPED") { tasks in
            tasks.allSatisfy { $0["lastStatus"]?.stringValue == "STOPPED" }
        }
    }

    private func poll(_ arns: [String], timeout: Double, _ context: ModuleContext, until status: String,
                      done: ([Value]) throws -> Bool) async throws -> [Value] {
        var loop = PollLoop(timeout: timeout)
        var last: [Value] = []
        while true {
            if let described = try await loop.poll({
                try await AWSModuleError.wrapping("describing tasks") { try await ecs.describeTasks(cluster: cluster, tasks: arns) }
            }) {
                if !described.failures.isEmpty && described.tasks.isEmpty {
                    throw AWSModuleError("ECS no longer knows the tasks \(arns.joined(separator: ", "))", ["failures": .list(described.failures)])
                }
                last = described.tasks
                if try done(last) { return last }
            }
            let states = last.map { "\(Self.id($0)) \($0["lastStatus"]?.stringValue ?? "?")" }.joined(separator: ", ")
            if loop.timedOut {
                throw AWSModuleError("tasks not \(status) after \(Int(loop.elapsed))s: \(states)",
                                     ["task": .list(last.map { ECSResultShape.jsonized($0) }), "changed": true])
            }
            context.progress("waiting for \(status.lowercased()): \(states) \(loop.progressSuffix)")
            try await loop.pause()
        }
    }

    /// The result of tasks that stopped: each container's exit code; failed when one exited
    /// non-zero or has none (it never ran: the task's `stoppedReason` says why).
    func exitResult(_ tasks: [Value]) throws -> TaskResult {
        var codes: [Value] = []
        var problems: [String] = []
        for task in tasks {
            var perContainer = OrderedDictionary<String, Value>()
            for container in task["containers"]?.listValue ?? [] {
                let name = container["name"]?.stringValue ?? "?"
                let code = container["exitCode"]?.intValue
                perContainer[name] = code.map(Value.int) ?? .null
                if let code, code != 0 {
                    problems.append("task \(Self.id(task)): container \(name) exited \(code)" + (container["reason"]?.stringValue.map { " (\($0))" } ?? ""))
                } else if code == nil {
                    problems.append("task \(Self.id(task)): container \(name) has no exit code" + Self.reason(task))
                }
            }
            if perContainer.isEmpty { problems.append("task \(Self.id(task)) stopped with no containers" + Self.reason(task)) }
            codes.append(.dict(perContainer))
        }
        let first = tasks.first.flatMap { task in
            let containers = task["containers"]?.listValue ?? []
            return (containers.first { $0["essential"]?.isTruthy ?? true } ?? containers.first)?["exitCode"]
        } ?? .null
        let result: OrderedDictionary<String, Value> = [
            "task": .list(tasks.map { ECSResultShape.jsonized($0) }), "exit_codes": .list(codes), "exit_code": first,
        ]
        if !problems.isEmpty {
            var data = result
            data["changed"] = true
            throw AWSModuleError(problems.joined(separator: "; "), data)
        }
        return .ok(changed: true, result)
    }

    private static func id(_ task: Value) -> String {
        task["taskArn"]?.stringValue?.split(separator: "/").last.map(String.init) ?? "?"
    }

    private static func reason(_ task: Value) -> String {
        guard let reason = task["stoppedReason"]?.stringValue, !reason.isEmpty else { return "" }
        return ": \(reason)"
    }
}
