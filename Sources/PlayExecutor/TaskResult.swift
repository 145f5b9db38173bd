import OrderedCollections
import PlayBase

/// What a module (or the executor) reports for one task on one host: Ansible's result dict.
/// Well-known keys (`changed`, `failed`, `skipped`, `msg`, `rc`, `results`, ...) have accessors;
/// everything else is module data that `register` exposes to later tasks.
public struct TaskResult: Sendable, Hashable {
    public var values: OrderedDictionary<String, Value>
    /// Hosts the task adds to the inventory; the executor reads these, never `values`.
    public var addedHosts: [HostAddition] = []
    /// Groups the task's host joins.
    public var addedGroups: [GroupAddition] = []

    public init(_ values: OrderedDictionary<String, Value> = [:]) {
        self.values = values
    }

    public static func ok(changed: Bool = false, _ data: OrderedDictionary<String, Value> = [:]) -> TaskResult {
        var r = TaskResult(data)
        r.changed = changed
        return r
    }

    public static func failed(_ message: String, _ data: OrderedDictionary<String, Value> = [:]) -> TaskResult {
        var r = TaskResult(data)
        r.failed = true
        r.message = message
        if r.values["changed"] == nil { r.changed = false }
        return r
    }

    public static func skipped(_ reason: String) -> TaskResult {
        TaskResult(["changed": false, "skipped": true, "skip_reason": .string(reason)])
    }

    public subscript(key: String) -> Value? {
        get { values[key] }
        set { values[key] = newValue }
    }

    public var changed: Bool {
        get { values["changed"]?.isTruthy ?? false }
        set { values["changed"] = .bool(newValue) }
    }

    public var failed: Bool {
        get { values["failed"]?.isTruthy ?? false }
        set { values["failed"] = .bool(newValue) }
    }

    public var skipped: Bool { values["skipped"]?.isTruthy ?? false }
    public var unreachable: Bool { values["unreachable"]?.isTruthy ?? false }

    public var message: String? {
        get { values["msg"].map(\.renderedString) }
        set { values["msg"] = newValue.map(Value.string) }
    }

    public var asValue: Value { .dict(values) }
}
