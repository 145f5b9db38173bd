import Foundation

/// Why a connection could not do what was asked. A command that ran and failed is not an error
/// (see `CommandResult.exitCode`); these are failures of the transport around it.
public enum ConnectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The host refused, timed out or dropped the connection (Ansible's UNREACHABLE).
    case unreachable(host: String, message: String)
    /// The host answered but refused our credentials; Ansible reports this as unreachable too.
    case authentication(host: String, message: String)
    /// The host's key is unknown or differs from known_hosts; unreachable-class, as in Ansible.
    case hostKeyVerification(host: String, message: String)
    /// The command ran longer than its time limit and was killed.
    case timedOut(host: String, after: Duration)
    /// Writing or reading a remote file failed (missing directory, permissions, ...).
    case transfer(host: String, path: String, message: String)
    /// sudo refused to run the command (a password is required, the user is unknown, ...).
    case becomeFailed(host: String, message: String)
    /// The settings or the request cannot work (unsupported connection or become method,
    /// malformed ssh arguments, an invalid environment variable name).
    case configuration(host: String, message: String)
    /// The task waiting for the command was cancelled; the command was killed.
    case cancelled(host: String)

    /// The host (inventory name) the error is about.
    public var host: String {
        switch self {
        case .unreachable(let h, _), .authentication(let h, _), .hostKeyVerification(let h, _),
             .timedOut(let h, _), .transfer(let h, _, _), .becomeFailed(let h, _),
             .configuration(let h, _), .cancelled(let h):
            return h
        }
    }

    /// True when the host must leave the play as UNREACHABLE rather than FAILED.
    public var isUnreachable: Bool {
        switch self {
        case .unreachable, .authentication, .hostKeyVerification: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let host, let message):
            return "\(host): failed to connect to the host via ssh: \(message)"
                + " (check that the host is up and ansible_host/ansible_port are right)"
        case .authentication(let host, let message):
            return "\(host): the host refused our credentials: \(message)"
                + " (check ansible_user and ansible_ssh_private_key_file, or load the key into ssh-agent)"
        case .hostKeyVerification(let host, let message):
            return "\(host): host key verification failed: \(message)"
                + " (add the host's key to known_hosts, e.g. with ssh-keyscan, or set host_key_checking=false"
                + " / ANSIBLE_HOST_KEY_CHECKING=False to skip the check)"
        case .timedOut(let host, let after):
            return "\(host): the command did not finish within \(Self.seconds(after)) and was killed"
                + " (raise the task's timeout if it needs longer)"
        case .transfer(let host, let path, let message):
            return "\(host): file transfer of \(path) failed: \(message)"
        case .becomeFailed(let host, let message):
            return "\(host): become (sudo) failed: \(message)"
                + " (play uses `sudo -n`: the remote user needs passwordless sudo, e.g. NOPASSWD in sudoers)"
        case .configuration(let host, let message):
            return "\(host): \(message)"
        case .cancelled(let host):
            return "\(host): cancelled; the running command was killed"
        }
    }

    private static func seconds(_ d: Duration) -> String {
        let (s, atto) = d.components
        let value = Double(s) + Double(atto) / 1e18
        return value == value.rounded() ? "\(Int(value)) s" : String(format: "%.3g s", value)
    }
}
