import PlayBase

extension TaskRunner {
    static let censored: Value = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"

    /// What a `no_log` task's result shows wherever it is printed or handed on: the result
    /// event, every retry event, and `ansible_failed_result` in a rescue. Whether it changed,
    /// failed or was skipped stays visible; nothing else does.
    static func censor(_ result: TaskResult) -> TaskResult {
        var shown = TaskResult(["censored": Self.censored, "changed": .bool(result.changed)])
        if result.failed { shown.failed = true }
        if result.skipped { shown["skipped"] = true }
        return shown
    }
}
