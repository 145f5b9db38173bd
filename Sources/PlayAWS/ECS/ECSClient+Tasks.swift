import OrderedCollections
import PlayBase

/// One-off tasks (RunTask, StartTask, StopTask) and what they became (DescribeTasks), as the
/// API's task objects: `lastStatus`, `stoppedReason`, each container's `exitCode`.
extension ECSClient {
    /// RunTask with a full request body; returns the tasks started and the failures.
    public func runTask(_ body: OrderedDictionary<String, Value>) async throws -> (tasks: [Value], failures: [Value]) {
        let result = try await call("RunTask", body, idempotent: !(body["clientToken"]?.stringValue ?? "").isEmpty)
        return (result["tasks"]?.listValue ?? [], result["failures"]?.listValue ?? [])
    }

    /// StartTask (on named container instances) with a full request body.
    public func startTask(_ body: OrderedDictionary<String, Value>) async throws -> (tasks: [Value], failures: [Value]) {
        let result = try await call("StartTask", body, idempotent: false)
        return (result["tasks"]?.listValue ?? [], result["failures"]?.listValue ?? [])
    }

    /// StopTask; returns the task as ECS answers it.
    public func stopTask(cluster: String, task: String, reason: String? = nil) async throws -> Value {
        var body: OrderedDictionary<String, Value> = ["cluster": .string(cluster), "task": .string(task)]
        if let reason { body["reason"] = .string(reason) }
        let result = try await call("StopTask", body)
        guard let stopped = result["task"], case .dict = stopped else { throw missing("task", "StopTask") }
        return stopped
    }

    /// Tasks by ARN or id (100 at a time, AWS's limit); ids ECS does not know are in `failures`.
    public func describeTasks(cluster: String, tasks: [String]) async throws -> (tasks: [Value], failures: [Value]) {
        var found: [Value] = [], failures: [Value] = []
        var start = 0
        while start < tasks.count {
            let batch = tasks[start..<min(start + 100, tasks.count)]
            let result = try await call("DescribeTasks", ["cluster": .string(cluster), "tasks": .list(batch.map(Value.string))],
                                        continuation: start > 0)
            start += 100
            found += result["tasks"]?.listValue ?? []
            failures += result["failures"]?.listValue ?? []
        }
        return (found, failures)
    }

    /// One page of ListTasks (`family`, `serviceName`, `desiredStatus` as given): task ARNs.
    public func listTasks(cluster: String, family: String? = nil, serviceName: String? = nil,
                          desiredStatus: String? = nil) async throws -> [String] {
        var body: OrderedDictionary<String, Value> = ["cluster": .string(cluster)]
        if let family { body["family"] = .string(family) }
        if let serviceName { body["serviceName"] = .string(serviceName) }
        if let desiredStatus { body["desiredStatus"] = .string(desiredStatus) }
        let result = try await call("ListTasks", body)
        return (result["taskArns"]?.listValue ?? []).compactMap(\.stringValue)
    }
}
