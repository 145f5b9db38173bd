import Foundation
import PlayBase

/// The connections of one run: one OpenSSH master per host (per distinct transport settings),
/// opened lazily the first time a task needs the host, shared by every later task, closed
/// by `closeAll()`. Control sockets live in a private 0700 directory under /tmp with short
/// names (`/tmp/play-XXXXXX/h0`), well inside the 108-byte limit of UNIX socket paths.
///
/// Prefer `withConnectionPool { pool in ... }`, which closes everything however the body
/// exits. A process that must exit at once (a second Ctrl-C) calls `closeAllNow()`, which needs
/// no actor hop, so masters never outlive play; should play be killed outright, each master still
/// exits after `controlPersist` (60 s by default) idle.
public actor ConnectionPool {
    private struct Key: Hashable {
        var hostName: String
        var settings: ConnectionSettings
    }

    private var masters: [Key: SSHMaster] = [:]
    private var sessions: [Key: SSHShellSession] = [:]
    /// What `closeAllNow` needs, readable without the actor (from a signal handler's thread).
    private nonisolated let emergency = EmergencyList()
    private var socketDirectory: String?
    private var nextSocket = 0
    private var closed = false
    /// Connections implemented in higher targets (`aws_ssm`), by `ConnectionSettings.Kind.plugin` name.
    private let plugins: [String: any ConnectionPlugin]

    public init(plugins: [any ConnectionPlugin] = []) {
        self.plugins = Dictionary(plugins.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The connection for `hostName`. For ssh the host's master is started here if it is not
    /// running yet, so an unreachable host fails now, with `ConnectionError.unreachable`
    /// (or `.authentication` / `.hostKeyVerification`). Failures are not remembered: a later
    /// call tries again (a host that is still booting may come up).
    public func connection(for hostName: String, settings: ConnectionSettings) async throws(ConnectionError) -> any Connection {
        if !settings.problems.isEmpty {
            throw .configuration(host: hostName, message: settings.problems.joined(separator: "; "))
        }
        switch settings.kind {
        case .local:
            return LocalConnection(hostName: hostName, settings: settings)
        case .plugin(let name):
            guard !closed else {
                throw .unreachable(host: hostName, message: "connections are closed: the run is ending")
            }
            guard let plugin = plugins[name] else {
                throw .configuration(host: hostName, message: "connection type '\(name)' is not available in this program")
            }
            return try await plugin.connection(for: hostName, settings: settings)
        case .unsupported(let name):
            throw .configuration(host: hostName, message: "connection type '\(name)' is not supported; play supports ssh, local and aws_ssm")
        case .ssh:
            break
        }
        guard !closed else {
            throw .unreachable(host: hostName, message: "connections are closed: the run is ending")
        }
        let key = Key(hostName: hostName, settings: settings.transportIdentity)
        let master: SSHMaster
        if let existing = masters[key] {
            master = existing
        } else {
            let directory = try socketDirectory(for: hostName)
            let line = try SSHCommandLine(hostName: hostName, settings: settings, controlPath: "\(directory)/h\(nextSocket)")
            nextSocket += 1
            master = SSHMaster(hostName: hostName, commandLine: line)
            masters[key] = master
            var session: SSHShellSession?
            if settings.persistentShell {
                session = SSHShellSession(launch: line.command("exec /bin/sh"))
                sessions[key] = session
            }
            emergency.add(stopMaster: line.stopMaster, session: session)
        }
        try await master.ensureRunning()
        return SSHConnection(hostName: hostName, master: master, session: sessions[key], settings: settings)
    }

    /// Stops every master (`ssh -O exit`, in parallel), waits until they are gone and removes
    /// the socket directory. Safe to call more than once and from a signal handler's task; it
    /// completes even if the calling task is cancelled. Later `connection` calls for ssh hosts
    /// fail with `.unreachable`.
    public func closeAll() async {
        closed = true
        let all = Array(masters.values)
        let shells = Array(sessions.values)
        masters.removeAll()
        sessions.removeAll()
        let directory = socketDirectory
        socketDirectory = nil
        let plugins = Array(self.plugins.values)
        // Unstructured so that a cancelled caller does not cancel the `ssh -O exit` processes.
        await Task {
            for plugin in plugins { await plugin.close() }
            await withTaskGroup(of: Void.self) { group in
                for shell in shells { group.addTask { await shell.close() } }
            }
            await withTaskGroup(of: Void.self) { group in
                for master in all { group.addTask { await master.stop() } }
            }
            if let directory { try? FileManager.default.removeItem(atPath: directory) }
        }.value
    }

    /// For a second Ctrl-C, when play exits at once: kills the shell sessions and asks every
    /// master to exit (in parallel, waiting at most a second), without the actor or any task,
    /// so it works while tasks are stuck. `closeAll()` is the orderly way.
    public nonisolated func closeAllNow() {
        let (stopCommands, shells, directory) = emergency.snapshot()
        for shell in shells { shell.killNow() }
        let devNull = open("/dev/null", O_RDWR)
        defer { if devNull >= 0 { close(devNull) } }
        var pids: [pid_t] = []
        for command in stopCommands {
            if case .success(let pid) = Subprocess.spawn(command, environment: nil, stdin: .null, stdout: .descriptor(devNull),
                                                        stderr: .descriptor(devNull), processGroup: true) {
                pids.append(pid)
            }
        }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(1)
        while !pids.isEmpty && clock.now < deadline {
            var status: Int32 = 0
            pids.removeAll { waitpid($0, &status, WNOHANG) == $0 }
            if !pids.isEmpty { usleep(5_000) }
        }
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// The private directory for control sockets, for diagnostics; nil until the first ssh
    /// host is connected and after `closeAll()`.
    public var controlDirectory: String? { socketDirectory }

    private func socketDirectory(for hostName: String) throws(ConnectionError) -> String {
        if let socketDirectory { return socketDirectory }
        // /tmp rather than $TMPDIR: macOS's TMPDIR alone nearly fills the socket path limit.
        var template = Array("/tmp/play-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard created != nil else {
            throw .configuration(host: hostName, message: "cannot create a private directory for ssh control sockets in /tmp: "
                + String(cString: strerror(errno)))
        }
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        socketDirectory = path
        emergency.setDirectory(path)
        return path
    }
}

/// Runs `body` with a fresh `ConnectionPool` and closes every master however `body` exits
/// (return, throw or cancellation).
public func withConnectionPool<T>(
    isolation: isolated (any Actor)? = #isolation,
    plugins: [any ConnectionPlugin] = [],
    _ body: (ConnectionPool) async throws -> T
) async throws -> T {
    let pool = ConnectionPool(plugins: plugins)
    let result: T
    do {
        result = try await body(pool)
    } catch {
        await pool.closeAll()
        throw error
    }
    await pool.closeAll()
    return result
}

/// The masters' stop commands and the shell sessions of a pool, behind a lock.
private final class EmergencyList: @unchecked Sendable {
    private let lock = NSLock()
    private var stopCommands: [[String]] = []
    private var sessions: [SSHShellSession] = []
    private var directory: String?

    func setDirectory(_ path: String) {
        lock.withLock { directory = path }
    }

    func add(stopMaster: [String], session: SSHShellSession?) {
        lock.withLock {
            stopCommands.append(stopMaster)
            if let session { sessions.append(session) }
        }
    }

    func snapshot() -> ([[String]], [SSHShellSession], String?) {
        lock.withLock { (stopCommands, sessions, directory) }
    }
}
