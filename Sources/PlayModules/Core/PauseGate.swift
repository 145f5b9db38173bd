import PlayExecutor

/// Makes the hosts of one `pause` task share one pause, as Ansible's pause runs once for all
/// hosts: hosts that reach the same task (by source location) while its pause is under way wait
/// for it and get its result, instead of each prompting or sleeping on its own. Lives for the
/// run in `RunResources`.
actor PauseGate {
    private var inFlight: [String: Task<TaskResult, Error>] = [:]

    static func shared(in resources: RunResources) -> PauseGate {
        resources.resource("pause.gate") { PauseGate() }
    }

    func run(_ key: String, _ body: @escaping @Sendable () async throws -> TaskResult) async throws -> TaskResult {
        if let running = inFlight[key] { return try await running.value }
        let task = Task { try await body() }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        return try await task.value
    }
}
