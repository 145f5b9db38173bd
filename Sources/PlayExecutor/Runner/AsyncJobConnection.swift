import Foundation
import PlayBase
import PlayConnection

/// `async:` with `poll > 0` for a module that is not an async job itself (apt, dnf, service,
/// user, ...): every command the module runs becomes a detached job on the target, as Ansible's
/// async_wrapper runs a whole module there, read every `poll` seconds; the job's raw output comes
/// back as the command's answer, so the module makes its result as it always does. A job
/// survives a dropped connection, and the module's commands together get `seconds`.
struct AsyncJobConnection: Connection {
    let base: any Connection
    let seconds: Int
    let poll: Int
    /// When the module's commands together must be done (`async` seconds after the task began).
    let deadline: ContinuousClock.Instant
    /// The last job's id and file, for the result's `ansible_job_id` and `results_file`.
    let lastJob: LastJob
    /// A job read unfinished (the runner shows `ASYNC POLL`; the task's end shows OK or FAILED once).
    let polled: @Sendable (_ jid: String, _ state: AsyncPollState) -> Void

    init(base: any Connection, seconds: Int, poll: Int, deadline: ContinuousClock.Instant, lastJob: LastJob,
         polled: @escaping @Sendable (String, AsyncPollState) -> Void) {
        self.base = base
        self.seconds = seconds
        self.poll = poll
        self.deadline = deadline
        self.lastJob = lastJob
        self.polled = polled
    }

    var hostName: String { base.hostName }

    func run(_ request: CommandRequest) async throws(ConnectionError) -> CommandResult {
        let started = ContinuousClock.now
        let left = max(1, Int((deadline - started).components.seconds))
        let jid = AsyncJob.newID()
        let script = request.workingDirectory.map { "cd \(ShellWords.quote($0)) || exit 1\n" } ?? ""
        let launch = AsyncJob.launchScript(script + request.command, jid: jid, seconds: left, cmdJSON: "\"\"",
                                           keepsStdin: request.stdin != nil, keepsOutput: true)
        let answer = try await base.run(CommandRequest(command: launch, stdin: request.stdin, environment: request.environment,
                                                       become: request.become, becomeUser: request.becomeUser))
        let file = answer.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        // Not started: the module sees the launcher's failure as its command's.
        guard answer.exitCode == 0, !file.isEmpty else { return answer }
        lastJob.set(jid, file)
        while true {
            do { try await Task.sleep(for: .seconds(poll)) } catch { throw .cancelled(host: hostName) }
            let read = try await base.run(CommandRequest(command: "cat \(ShellWords.quote(file)) 2>/dev/null",
                                                         become: request.become, becomeUser: request.becomeUser))
            let job = AsyncJob.result(ofJobFile: read.stdout, jid: jid)
            if job["finished"]?.isTruthy == true {
                guard case .int(let rc)? = job["rc"] else {
                    // The watchdog killed it ("Timeout exceeded").
                    try await remove(file, request)
                    throw .timedOut(host: hostName, after: .seconds(seconds))
                }
                let stdout = (try? await base.fetch(file + ".out", become: request.become, becomeUser: request.becomeUser)) ?? Data()
                let stderr = (try? await base.fetch(file + ".err", become: request.become, becomeUser: request.becomeUser)) ?? Data()
                try await base.run(CommandRequest(command: "rm -f \(ShellWords.quote(file)).out \(ShellWords.quote(file)).err",
                                                  become: request.become, becomeUser: request.becomeUser))
                return CommandResult(exitCode: Int32(clamping: rc), stdout: stdout, stderr: stderr,
                                     duration: ContinuousClock.now - started)
            }
            if ContinuousClock.now >= deadline + .seconds(poll) {
                // The job's own watchdog should have ended it: end it from here.
                _ = try await base.run(CommandRequest(command: "_f=\(ShellWords.quote(file)); \(AsyncJob.killProcesses)",
                                                      become: request.become, becomeUser: request.becomeUser))
                try await remove(file, request)
                throw .timedOut(host: hostName, after: .seconds(seconds))
            }
            polled(jid, .running)
        }
    }

    private func remove(_ file: String, _ request: CommandRequest) async throws(ConnectionError) {
        _ = try await base.run(CommandRequest(command: "rm -f \(ShellWords.quote(file)) \(ShellWords.quote(file)).*",
                                              become: request.become, becomeUser: request.becomeUser))
    }

    func put(_ data: Data, to remotePath: String, mode: Int?, become: Bool, becomeUser: String?) async throws(ConnectionError) {
        try await base.put(data, to: remotePath, mode: mode, become: become, becomeUser: becomeUser)
    }

    func fetch(_ remotePath: String, become: Bool, becomeUser: String?) async throws(ConnectionError) -> Data {
        try await base.fetch(remotePath, become: become, becomeUser: becomeUser)
    }

    func close() async { await base.close() }

    /// Shared by every connection the module is handed during one task.
    final class LastJob: @unchecked Sendable {
        private let lock = NSLock()
        private var value: (jid: String, file: String)?
        func set(_ jid: String, _ file: String) { lock.withLock { value = (jid, file) } }
        var job: (jid: String, file: String)? { lock.withLock { value } }
    }
}
