import Foundation
import PlayBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One host's OpenSSH ControlMaster: started once however many tasks ask at the same time,
/// restarted if it went away (ControlPersist expiry after a long pause, a dropped connection),
/// and stopped with `ssh -O exit`.
actor SSHMaster {
    let hostName: String
    let commandLine: SSHCommandLine
    private var starting: Task<Result<Void, ConnectionError>, Never>?
    private var stopped = false

    init(hostName: String, commandLine: SSHCommandLine) {
        self.hostName = hostName
        self.commandLine = commandLine
    }

    /// True while the master's control socket exists (one local syscall, no round trip).
    nonisolated var isRunning: Bool {
        access(commandLine.controlPath, F_OK) == 0
    }

    /// Makes sure a master serves the control socket, starting one if needed. Callers that
    /// arrive while a start is under way wait for that start rather than beginning another.
    func ensureRunning() async throws(ConnectionError) {
        if stopped {
            throw .unreachable(host: hostName, message: "connections are closed: the run is ending")
        }
        if let starting {
            return try await starting.value.get()
        }
        if isRunning { return }
        let task = Task { [hostName, commandLine] in await Self.start(hostName: hostName, commandLine: commandLine) }
        starting = task
        let result = await task.value
        starting = nil
        try result.get()
    }

    /// Stops the master (if one runs) and waits until it has removed its socket, so no ssh
    /// process outlives the call. Later `ensureRunning` calls fail.
    func stop() async {
        stopped = true
        if let starting { _ = await starting.value }
        guard isRunning else { return }
        _ = try? await Subprocess.run(commandLine.stopMaster, timeout: .seconds(5))
        // The master unlinks its socket just before it exits.
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(3)
        while isRunning && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    private static func start(hostName: String, commandLine: SSHCommandLine) async -> Result<Void, ConnectionError> {
        let settings = commandLine.settings
        // ConnectTimeout bounds the TCP connect and the banner; this bounds the whole login.
        let limit = settings.connectTimeout * 2 + .seconds(10)
        let output: SubprocessOutput
        do {
            output = try await Subprocess.run(commandLine.startMaster, timeout: limit)
        } catch {
            return .failure(.configuration(host: hostName, message: "\(error.description) (is the OpenSSH client installed?)"))
        }
        if output.cancelled { return .failure(.cancelled(host: hostName)) }
        if output.timedOut {
            return .failure(.unreachable(host: hostName, message: "no SSH login within \(limit) (connecting to \(settings.host))"))
        }
        let message = CommandScript.text(output.stderr)
        guard output.status == 0 else {
            return .failure(SSHCommandLine.classify(message, host: hostName))
        }
        guard access(commandLine.controlPath, F_OK) == 0 else {
            return .failure(.unreachable(host: hostName, message: "ssh started but its control socket did not appear"
                + (message.isEmpty ? "" : ": \(message)")))
        }
        return .success(())
    }
}
