import Foundation
import PlayBase

/// `ansible_connection=ssh`: commands go to the host's long-lived shell session over its
/// master (`SSHShellSession`), or, when that is busy or the input is large, each as one `ssh`
/// process multiplexed over the master (about 10 ms, no new handshake); files travel through
/// the same channels as a command's stdin/stdout. Obtain it from
/// `ConnectionPool.connection(for:settings:)`.
public struct SSHConnection: Connection {
    public let hostName: String
    let master: SSHMaster
    let session: SSHShellSession?
    let settings: ConnectionSettings

    init(hostName: String, master: SSHMaster, session: SSHShellSession?, settings: ConnectionSettings) {
        self.hostName = hostName
        self.master = master
        self.session = session
        self.settings = settings
    }

    public func run(_ request: CommandRequest) async throws(ConnectionError) -> CommandResult {
        if let session, let result = try await runInSession(session, request) { return result }
        let invocation = try CommandScript.invocation(for: request, becomeMethod: settings.becomeMethod, markExit255: true,
                                                      reportPid: true, host: hostName)
        if !master.isRunning { try await master.ensureRunning() }
        let arguments = master.commandLine.command(CommandScript.commandLine(invocation.words))
        let timeout = request.timeout ?? settings.commandTimeout
        let output: SubprocessOutput
        do {
            output = try await Subprocess.run(arguments, stdin: invocation.stdin, timeout: timeout,
                                               outputLimit: request.outputLimit)
        } catch {
            throw .configuration(host: hostName, message: "\(error.description) (is the OpenSSH client installed?)")
        }
        if output.cancelled { throw .cancelled(host: hostName) }
        if output.timedOut, let timeout {
            await killRemotely(reportedIn: output.stderr, request)
            throw .timedOut(host: hostName, after: timeout)
        }
        switch CommandScript.interpret(
            status: output.status, stdout: output.stdout, stderr: output.stderr, become: request.become, viaSSH: true)
        {
        case .completed(let status, let stdout, let stderr):
            return CommandResult(exitCode: status, stdout: stdout, stderr: stderr, duration: output.duration,
                                 stdoutOmitted: output.stdoutOmitted, stderrOmitted: output.stderrOmitted)
        case .becomeFailed(let message):
            throw .becomeFailed(host: hostName, message: message)
        case .connectionFailed(let message, let stdout, let stderr):
            // ssh says nothing when the remote shell is killed by a signal (`pkill -f` matching
            // its own command line, say); one probe over the master tells that from a lost host.
            if message.isEmpty, await masterAnswers() {
                let note = Data("play: the remote shell ended without an exit status (killed by a signal?)\n".utf8)
                return CommandResult(exitCode: 255, stdout: stdout, stderr: stderr + note, duration: output.duration)
            }
            throw SSHCommandLine.classify(message, host: hostName)
        }
    }

    /// The request through the shell session; nil when the session cannot take it now.
    private func runInSession(_ session: SSHShellSession, _ request: CommandRequest) async throws(ConnectionError) -> CommandResult? {
        let invocation = try CommandScript.invocation(for: request, becomeMethod: settings.becomeMethod, markExit255: false,
                                                      reportPid: true, host: hostName)
        if !master.isRunning { try await master.ensureRunning() }
        let timeout = request.timeout ?? settings.commandTimeout
        guard let reply = await session.run(invocation.words, stdin: invocation.stdin, timeout: timeout,
                                            outputLimit: request.outputLimit) else { return nil }
        switch reply {
        case .finished(let status, let stdout, let stderr, let duration, let omitted):
            switch CommandScript.interpret(status: status, stdout: stdout, stderr: stderr, become: request.become, viaSSH: false) {
            case .completed(let status, let stdout, let stderr):
                return CommandResult(exitCode: status, stdout: stdout, stderr: stderr, duration: duration,
                                     stdoutOmitted: omitted.stdout, stderrOmitted: omitted.stderr)
            case .becomeFailed(let message):
                throw .becomeFailed(host: hostName, message: message)
            case .connectionFailed(let message, _, _):
                throw SSHCommandLine.classify(message, host: hostName)
            }
        case .timedOut(let stderr):
            await killRemotely(reportedIn: stderr, request)
            guard let timeout else { throw .cancelled(host: hostName) }
            throw .timedOut(host: hostName, after: timeout)
        case .cancelled:
            throw .cancelled(host: hostName)
        case .lost(let stdout, let stderr):
            // As with one ssh per command: a shell killed by the command itself (`pkill -f`
            // matching it, say) is the command's doing; a master that no longer answers is the host.
            if await masterAnswers() {
                let note = Data("play: the remote shell ended without an exit status (killed by a signal?)\n".utf8)
                return CommandResult(exitCode: 255, stdout: stdout, stderr: stderr + note, duration: .zero)
            }
            let message = CommandScript.text(stderr)
            throw SSHCommandLine.classify(message.isEmpty ? "connection to \(settings.host) lost" : message, host: hostName)
        }
    }

    /// Ends a timed-out command's processes on the host (killing our ssh client does not: the
    /// remote shell and its children would run on). Best effort, bounded by the connect timeout.
    private func killRemotely(reportedIn stderr: Data, _ request: CommandRequest) async {
        guard let pid = CommandScript.reportedPid(stderr, become: request.become), master.isRunning,
              let invocation = try? CommandScript.invocation(
                  for: CommandRequest(command: CommandScript.killTree(pid: pid), become: request.become,
                                      becomeUser: request.becomeUser),
                  becomeMethod: settings.becomeMethod, markExit255: false, host: hostName)
        else { return }
        let words = master.commandLine.command(CommandScript.commandLine(invocation.words))
        _ = try? await Subprocess.run(words, timeout: settings.connectTimeout + .seconds(5))
    }

    /// True if the master is up and a trivial command runs over it.
    private func masterAnswers() async -> Bool {
        guard master.isRunning,
              let probe = try? await Subprocess.run(master.commandLine.command("true"), timeout: settings.connectTimeout)
        else { return false }
        return probe.status == 0
    }

    public func put(_ data: Data, to path: String, mode: Int?, become: Bool, becomeUser: String?) async throws(ConnectionError) {
        guard FileTransferScript.validMode(mode) else {
            throw .configuration(host: hostName, message: "file mode \(mode ?? 0) is out of range (0 to 0o7777)")
        }
        let request = CommandRequest(
            command: FileTransferScript.put(path: path, mode: mode), stdin: data, become: become, becomeUser: becomeUser)
        let result = try await run(request)
        if result.exitCode != 0 {
            throw .transfer(host: hostName, path: path, message: CommandScript.text(result.stderr))
        }
    }

    public func fetch(_ path: String, become: Bool, becomeUser: String?) async throws(ConnectionError) -> Data {
        let result = try await run(FileTransferScript.fetch(path: path, become: become, becomeUser: becomeUser))
        return try FileTransferScript.fetched(result, path: path, host: hostName)
    }

    /// The master is shared with every other connection to this host and belongs to the
    /// pool, which closes it; nothing to release here.
    public func close() async {}
}
