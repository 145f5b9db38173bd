import Foundation
import PlayBase
import PlayConnection
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

    /// Runs a module whose commands go through `AsyncJobConnection`: its own result, with the
    /// job's keys Ansible's poller adds; past `seconds`, Ansible's async timeout failure.
    func runAsJobs(_ module: any Module, _ context: ModuleContext, jobs: AsyncJobConnection.LastJob,
                   seconds: Int, task: String) async throws -> TaskResult {
        var result: TaskResult
        do {
            result = try await module.run(context)
        } catch let error as ConnectionError {
            guard case .timedOut = error else { throw error }
            result = .failed("async task did not complete within the requested time - \(seconds)s")
            result.changed = false
        }
        if let job = jobs.job {
            events.emit(.asyncPoll(host: context.host, task: task, jid: job.jid, state: result.failed ? .failed : .ok))
            result["ansible_job_id"] = .string(job.jid)
            result["results_file"] = .string(job.file)
            result["started"] = true
            result["finished"] = true
        }
        return result
    }

    /// How a module reaches its host under `async:`: a module that is no async job itself gets
    /// an `AsyncJobConnection` (poll > 0 only; check mode runs as usual), with the record of its jobs.
    func jobConnection(_ settings: AsyncSettings?, spec: ModuleSpec, direct: @escaping @Sendable () async throws -> any Connection,
                       checkMode: Bool, task: PlaybookTask, host: String, taskName: String)
        throws -> (@Sendable () async throws -> any Connection, AsyncJobConnection.LastJob?) {
        guard let settings, !spec.traits.supportsAsync else { return (direct, nil) }
        if ModuleTraits.actionsWithoutAsync.contains(spec.name) {
            throw TaskFailure.asyncUnsupported(module: task.module, fireAndForget: false, at: task.location)
        }
        guard settings.poll > 0 else {
            throw TaskFailure.asyncUnsupported(module: task.module, fireAndForget: true, at: task.location)
        }
        if checkMode { return (direct, nil) }
        let lastJob = AsyncJobConnection.LastJob()
        let deadline = ContinuousClock.now + .seconds(settings.seconds)
        let events = self.events
        let connect: @Sendable () async throws -> any Connection = {
            AsyncJobConnection(base: try await direct(), seconds: settings.seconds, poll: settings.poll,
                               deadline: deadline, lastJob: lastJob) { jid, state in
                events.emit(.asyncPoll(host: host, task: taskName, jid: jid, state: state))
            }
        }
        return (connect, lastJob)
    }
}
