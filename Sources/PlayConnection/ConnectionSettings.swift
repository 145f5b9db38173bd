import Foundation
import OrderedCollections
import PlayBase

/// How to reach one host: Ansible's connection variables, resolved. Build it with
/// `from(hostName:variables:environment:)` from the host's (already templated) variables.
public struct ConnectionSettings: Sendable, Hashable {
    /// The transport (`ansible_connection`).
    public enum Kind: Sendable, Hashable {
        case local
        case ssh
        /// A connection implemented above this target and handed to the pool as a
        /// `ConnectionPlugin` under this name (`aws_ssm`); its settings are in `pluginVariables`.
        case plugin(String)
        /// A connection plugin play does not implement (e.g. `winrm`); connecting fails with a
        /// `configuration` error naming it.
        case unsupported(String)
    }

    /// The `ansible_connection` names of connections that live in plugins, and the prefix of the
    /// host variables each reads (`ansible_aws_ssm_region`, ...).
    public static let pluginConnections: [String: (name: String, variablePrefix: String)] = [
        "aws_ssm": ("aws_ssm", "ansible_aws_ssm_"),
        "community.aws.aws_ssm": ("aws_ssm", "ansible_aws_ssm_"),
        "amazon.aws.aws_ssm": ("aws_ssm", "ansible_aws_ssm_"),
    ]

    public var kind: Kind
    /// The address ssh connects to (`ansible_host`; the inventory name when unset).
    public var host: String
    /// `ansible_port`; nil leaves it to ~/.ssh/config (default 22).
    public var port: Int?
    /// `ansible_user`; nil leaves it to ~/.ssh/config (default: the local user).
    public var user: String?
    /// `ansible_ssh_private_key_file`; the agent and ~/.ssh/config keys are tried as well.
    public var privateKeyFile: String?
    /// `ansible_ssh_executable`.
    public var sshExecutable: String
    /// `ansible_ssh_args`, `ansible_ssh_common_args`, `ansible_ssh_extra_args`: extra ssh
    /// arguments as one string each, split like a shell would (`-o Foo='a b'`).
    public var sshArgs: String?
    public var sshCommonArgs: String?
    public var sshExtraArgs: String?
    /// Verify host keys against known_hosts (the default). Off passes
    /// `StrictHostKeyChecking=no` and `UserKnownHostsFile=/dev/null`.
    public var hostKeyChecking: Bool
    /// How long to wait for the TCP connection and the SSH banner (`ansible_ssh_timeout`, 10 s).
    public var connectTimeout: Duration
    /// Default limit for a command when its request sets none: `play_command_timeout` (or
    /// `ansible_command_timeout`, or `PLAY_COMMAND_TIMEOUT` in the environment), one hour by
    /// default (`defaultCommandTimeout`); 0 means no limit. Ansible's `timeout`
    /// (`ansible_ssh_timeout`) stays the connect timeout. A command past its limit is killed on
    /// the host and fails the task.
    public var commandTimeout: Duration?
    public static let defaultCommandTimeout: Duration = .seconds(3600)
    /// How long an idle master stays up if play dies without closing it; play closes its
    /// masters explicitly, and reopens one that timed out during a long pause.
    public var controlPersist: Duration
    /// Run commands through one long-lived shell per host (`SSHShellSession`) rather than one
    /// `ssh` process each (`play_ssh_persistent_shell`, or `PLAY_SSH_PERSISTENT_SHELL` in the
    /// environment; on by default).
    public var persistentShell: Bool
    /// Host-level become defaults (`ansible_become`, `ansible_become_user`,
    /// `ansible_become_method`). The connection itself follows each request's `become`; the
    /// executor merges these with task keywords. Only `sudo` is supported.
    public var become: Bool
    public var becomeUser: String?
    public var becomeMethod: String
    /// For a `plugin` connection: its host variables (those with its prefix), rendered as text.
    public var pluginVariables: [String: String] = [:]
    /// Values that could not be understood (e.g. `ansible_port=abc`); connecting with
    /// settings that have problems fails with a `configuration` error listing them.
    public var problems: [String]

    public init(
        kind: Kind = .ssh,
        host: String,
        port: Int? = nil,
        user: String? = nil,
        privateKeyFile: String? = nil,
        sshExecutable: String = "ssh",
        sshArgs: String? = nil,
        sshCommonArgs: String? = nil,
        sshExtraArgs: String? = nil,
        hostKeyChecking: Bool = true,
        connectTimeout: Duration = .seconds(10),
        commandTimeout: Duration? = nil,
        controlPersist: Duration = .seconds(60),
        persistentShell: Bool = true,
        become: Bool = false,
        becomeUser: String? = nil,
        becomeMethod: String = "sudo",
        problems: [String] = []
    ) {
        self.kind = kind
        self.host = host
        self.port = port
        self.user = user
        self.privateKeyFile = privateKeyFile
        self.sshExecutable = sshExecutable
        self.sshArgs = sshArgs
        self.sshCommonArgs = sshCommonArgs
        self.sshExtraArgs = sshExtraArgs
        self.hostKeyChecking = hostKeyChecking
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.controlPersist = controlPersist
        self.persistentShell = persistentShell
        self.become = become
        self.becomeUser = becomeUser
        self.becomeMethod = becomeMethod
        self.problems = problems
    }

    /// Reads Ansible's connection variables for one host. Later names in each list are
    /// aliases Ansible also accepts. Host-key checking: the `host_key_checking` /
    /// `ansible_host_key_checking` / `ansible_ssh_host_key_checking` variable wins over
    /// `ANSIBLE_HOST_KEY_CHECKING` in `environment`; on by default. `defaults` (ansible.cfg and
    /// `ANSIBLE_*` settings, resolved by the caller) apply where the host's variables are silent.
    public static func from(
        hostName: String,
        variables: OrderedDictionary<String, Value>,
        environment: [String: String],
        defaults: ConnectionDefaults = ConnectionDefaults()
    ) -> ConnectionSettings {
        var problems: [String] = []
        func first(_ names: [String]) -> (String, Value)? {
            for name in names { if let v = variables[name], !v.isNull { return (name, v) } }
            return nil
        }
        func string(_ names: String...) -> String? {
            first(names)?.1.renderedString
        }
        func int(_ names: String...) -> Int? {
            guard let (name, v) = first(names) else { return nil }
            switch v {
            case .int(let i): return i
            case .string(let s):
                if let i = Int(s.trimmingCharacters(in: .whitespaces)) { return i }
            default: break
            }
            problems.append("\(name) must be an integer, got \(v.pythonRepr)")
            return nil
        }
        func duration(_ names: String...) -> Duration? {
            guard let (name, v) = first(names) else { return nil }
            switch v {
            case .int(let i) where i >= 0: return .seconds(i)
            case .double(let d) where d >= 0: return .milliseconds(Int((d * 1000).rounded()))
            case .string(let s):
                if let d = Double(s.trimmingCharacters(in: .whitespaces)), d >= 0 {
                    return .milliseconds(Int((d * 1000).rounded()))
                }
            default: break
            }
            problems.append("\(name) must be a number of seconds, got \(v.pythonRepr)")
            return nil
        }
        func bool(_ names: String...) -> Bool? { boolValue(names) }
        func boolValue(_ names: [String]) -> Bool? {
            guard let (name, v) = first(names) else { return nil }
            if let b = Self.ansibleBool(v) { return b }
            problems.append("\(name) must be a boolean (true/false, yes/no), got \(v.pythonRepr)")
            return nil
        }
        /// A variable, else an environment variable, as a boolean.
        func bool(_ names: [String], orEnvironment key: String) -> Bool? {
            if first(names) != nil { return boolValue(names) }
            guard let env = environment[key] else { return nil }
            if let b = Self.ansibleBool(.string(env)) { return b }
            problems.append("\(key) must be a boolean (true/false), got '\(env)'")
            return nil
        }

        var settings = ConnectionSettings(host: string("ansible_host", "ansible_ssh_host") ?? hostName)
        switch string("ansible_connection")?.lowercased() {
        case nil, "ssh", "smart", "paramiko", "paramiko_ssh": settings.kind = .ssh
        case "local": settings.kind = .local
        case let other? where pluginConnections[other] != nil:
            let plugin = pluginConnections[other]!
            settings.kind = .plugin(plugin.name)
            for (name, value) in variables where name.hasPrefix(plugin.variablePrefix) && !value.isNull {
                settings.pluginVariables[name] = value.renderedString
            }
        case let other?: settings.kind = .unsupported(other)
        }
        settings.port = int("ansible_port", "ansible_ssh_port") ?? defaults.port
        if let port = settings.port, !(1...65535).contains(port) {
            problems.append("ansible_port must be 1..65535, got \(port)")
            settings.port = nil
        }
        settings.user = string("ansible_user", "ansible_ssh_user")
        settings.privateKeyFile = string("ansible_ssh_private_key_file", "ansible_private_key_file")
        settings.sshExecutable = string("ansible_ssh_executable") ?? defaults.sshExecutable ?? "ssh"
        settings.sshArgs = string("ansible_ssh_args") ?? defaults.sshArgs
        settings.sshCommonArgs = string("ansible_ssh_common_args") ?? defaults.sshCommonArgs
        settings.sshExtraArgs = string("ansible_ssh_extra_args") ?? defaults.sshExtraArgs
        settings.hostKeyChecking = bool(["host_key_checking", "ansible_host_key_checking", "ansible_ssh_host_key_checking"],
                                        orEnvironment: "ANSIBLE_HOST_KEY_CHECKING") ?? defaults.hostKeyChecking ?? true
        if let t = duration("ansible_ssh_timeout", "ansible_timeout") ?? defaults.connectTimeout { settings.connectTimeout = t }
        var commandTimeout = duration("play_command_timeout", "ansible_command_timeout") ?? Self.defaultCommandTimeout
        if first(["play_command_timeout", "ansible_command_timeout"]) == nil, let text = environment["PLAY_COMMAND_TIMEOUT"] {
            if let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
                commandTimeout = .milliseconds(Int((seconds * 1000).rounded()))
            } else {
                problems.append("PLAY_COMMAND_TIMEOUT must be a number of seconds, got '\(text)'")
            }
        }
        settings.commandTimeout = commandTimeout == .zero ? nil : commandTimeout
        settings.persistentShell = bool(["play_ssh_persistent_shell"], orEnvironment: "PLAY_SSH_PERSISTENT_SHELL") ?? true
        settings.become = bool("ansible_become") ?? false
        settings.becomeUser = string("ansible_become_user")
        settings.becomeMethod = string("ansible_become_method") ?? defaults.becomeMethod ?? "sudo"
        settings.problems = problems
        return settings
    }

    /// Ansible's boolean spellings (`yes/no`, `true/false`, `on/off`, `1/0`, any case).
    static func ansibleBool(_ v: Value) -> Bool? {
        switch v {
        case .bool(let b): return b
        case .int(let i) where i == 0 || i == 1: return i == 1
        case .string(let s):
            switch s.trimmingCharacters(in: .whitespaces).lowercased() {
            case "yes", "y", "true", "t", "on", "1": return true
            case "no", "n", "false", "f", "off", "0", "": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// What identifies one master: everything but the become defaults, which only change the
    /// command line of each request.
    var transportIdentity: ConnectionSettings {
        var copy = self
        copy.become = false
        copy.becomeUser = nil
        copy.becomeMethod = "sudo"
        copy.commandTimeout = nil
        return copy
    }
}
