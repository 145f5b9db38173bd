import Foundation
import PlayBase
import PlayLanguage

/// `async:` and `poll:` for one module call: the module starts its job detached, and with
/// `poll > 0` the runner reads the job file every `poll` seconds until it says finished.
extension TaskRunner {
    struct AsyncSettings {
        var seconds: Int
        var poll: Int
    }

    /// The task's async settings, or nil when it runs synchronously (no `async`, or `async: 0`).
    func asyncSettings(_ task: PlaybookTask, _ vars: TaskVariables) throws -> AsyncSettings? {
        guard let written = task.asyncSeconds,
              let seconds = ValueCoercion.int(try templar.render(written, vars)), seconds > 0 else { return nil }
        // Ansible's default poll interval.
        let poll = try task.poll.map { try templar.render($0, vars) }.flatMap(ValueCoercion.int) ?? 15
        return AsyncSettings(seconds: seconds, poll: max(0, poll))
    }

    /// Polls the job `started` names until it finishes; its final result replaces the start's.
    /// The job's own watchdog kills it after `async` seconds; should the job file still say
    /// unfinished a poll later, the runner kills it and fails as Ansible's poller does.
    func waitForJob(_ started: TaskResult, _ settings: AsyncSettings, _ context: ModuleContext,
                    task: String) async throws -> TaskResult {
        guard case .string(let jid)? = started["ansible_job_id"], started["finished"]?.isTruthy != true,
              !started.failed else { return started }
        let deadline = ContinuousClock.now + .seconds(settings.seconds + settings.poll)
        while true {
            try await Task.sleep(for: .seconds(settings.poll))
            let status = try await AsyncJob.status(jid, context: context)
            if status["finished"]?.isTruthy == true || status.failed {
                events.emit(.asyncPoll(host: context.host, task: task, jid: jid, state: status.failed ? .failed : .ok))
                return status
            }
            if ContinuousClock.now >= deadline {
                let message = "async task did not complete within the requested time - \(settings.seconds)s"
                try await AsyncJob.kill(jid, message: message, context: context)
                var failed = started
                failed.failed = true
                failed.changed = false
                failed.message = message
                failed["finished"] = true
                events.emit(.asyncPoll(host: context.host, task: task, jid: jid, state: .failed))
                return failed
            }
            events.emit(.asyncPoll(host: context.host, task: task, jid: jid, state: .running))
        }
    }
}
