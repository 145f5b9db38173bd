import PlayBase

/// The `ssh` invocations for one host: start the master, run a command over it, stop it.
/// Pure: tested without any process.
///
/// ssh keeps the FIRST value it sees for an option (command line before ~/.ssh/config), so the
/// options play depends on come first, then the inventory's settings, then the user's extra
/// arguments, and ~/.ssh/config fills in whatever none of them set (as with Ansible).
struct SSHCommandLine: Sendable {
    let hostName: String
    let settings: ConnectionSettings
    let controlPath: String
    /// Options for every invocation: `leading` before the per-invocation ControlMaster
    /// choice (so users' `-o ControlMaster=auto` cannot override it), `trailing` after it.
    let leading: [String]
    let trailing: [String]

    init(hostName: String, settings: ConnectionSettings, controlPath: String) throws(ConnectionError) {
        self.hostName = hostName
        self.settings = settings
        self.controlPath = controlPath
        leading = [
            "-o", "ControlPath=\(controlPath)",
            "-o", "BatchMode=yes",
            // Keeps warnings (e.g. "Permanently added ... to known hosts") out of command
            // output; errors and fatal messages still reach stderr.
            "-o", "LogLevel=ERROR",
        ]
        var options: [String] = []
        if !settings.hostKeyChecking {
            options += ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"]
        }
        // With checking on nothing is passed: known_hosts and ~/.ssh/config decide, and
        // BatchMode turns "ask" into a refusal, so unknown or changed keys fail (as Ansible).
        options += ["-o", "ConnectTimeout=\(max(1, Int((settings.connectTimeout.wholeMilliseconds + 999) / 1000)))"]
        if let port = settings.port { options += ["-o", "Port=\(port)"] }
        if let user = settings.user { options += ["-o", "User=\(user)"] }
        if let key = settings.privateKeyFile { options += ["-o", "IdentityFile=\(key)"] }
        for (name, value) in [
            ("ansible_ssh_args", settings.sshArgs),
            ("ansible_ssh_common_args", settings.sshCommonArgs),
            ("ansible_ssh_extra_args", settings.sshExtraArgs),
        ] {
            guard let value else { continue }
            do {
                // Ansible itself uses shlex.split here; these POSIX sh rules predate the shared splitter.
                options += try ShellWords.split(value, syntax: .init(backslash: .posixShell))
            } catch {
                throw .configuration(host: hostName, message: "\(name) has an unbalanced quote: \(value)")
            }
        }
        // A host that stops answering (frozen, cut off without a reset) ends the master after
        // about 45 s instead of hanging a task for hours; its commands then fail UNREACHABLE.
        // After the user's arguments: ssh keeps the first value, so theirs win.
        options += ["-o", "ServerAliveInterval=\(Self.serverAliveInterval)", "-o", "ServerAliveCountMax=\(Self.serverAliveCountMax)"]
        trailing = options
    }

    static let serverAliveInterval = 15
    static let serverAliveCountMax = 3

    /// Authenticates, then forks a master into the background (`-f`) that serves commands on
    /// the control socket; the foreground ssh exits 0 once the socket is ready.
    var startMaster: [String] {
        let persist = max(1, Int((settings.controlPersist.wholeMilliseconds + 999) / 1000))
        return [settings.sshExecutable] + leading + ["-o", "ControlMaster=yes", "-o", "ControlPersist=\(persist)"]
            + trailing + ["-N", "-f", "--", settings.host]
    }

    /// Runs `remoteCommand` over the master (no new handshake).
    func command(_ remoteCommand: String) -> [String] {
        [settings.sshExecutable] + leading + ["-o", "ControlMaster=no"] + trailing + ["-T", "--", settings.host, remoteCommand]
    }

    /// Asks the master to exit.
    var stopMaster: [String] {
        [settings.sshExecutable, "-o", "ControlPath=\(controlPath)", "-O", "exit", "--", settings.host]
    }

    /// Maps ssh's complaint (stderr of a failed ssh) to the error Ansible would report.
    static func classify(_ message: String, host: String) -> ConnectionError {
        let lower = message.lowercased()
        if lower.contains("host key verification failed") || lower.contains("remote host identification has changed")
            || lower.contains("host key for") && lower.contains("has changed")
        {
            return .hostKeyVerification(host: host, message: message)
        }
        if lower.contains("permission denied") || lower.contains("too many authentication failures")
            || lower.contains("no supported authentication methods")
        {
            return .authentication(host: host, message: message)
        }
        return .unreachable(host: host, message: message.isEmpty ? "ssh exited with status 255" : message)
    }
}
