import Foundation
import PlayBase

/// One command for a host: the text is run by `/bin/sh -c` on the target (Ansible's
/// `exec_command`), with optional input, environment, working directory, time limit and become.
public struct CommandRequest: Sendable, Hashable {
    /// Shell text, run by `/bin/sh -c` on the target.
    public var command: String
    /// Bytes fed to the command's standard input; nil gives it an empty input.
    public var stdin: Data?
    /// Variables exported to the command (after become, so they survive sudo's env reset).
    /// Their values travel on the command's stdin, never in its argument list.
    public var environment: [String: String]
    /// Shell variables the command text can read (`"$NAME"`) but its children do not inherit:
    /// for secrets a script writes somewhere itself. They travel like `environment`'s values.
    public var shellVariables: [String: String]
    /// Directory to run in; nil is the login directory (the remote user's home).
    public var workingDirectory: String?
    /// Kill the command after this long; nil falls back to `ConnectionSettings.commandTimeout`.
    public var timeout: Duration?
    /// Run as another user through sudo (`sudo -n -u USER -H`).
    public var become: Bool
    /// The user to become; nil means root.
    public var becomeUser: String?
    /// Bytes of stdout and of stderr kept in memory; beyond it the middle of the output is
    /// dropped (`OutputBuffer`) and `CommandResult.stdoutOmitted`/`stderrOmitted` say how much.
    public var outputLimit: Int
    /// The limit for a command that prints a whole file (fetch, slurp, a file edited in place):
    /// 1 GiB. Such a caller must fail when output was left out, never use the cut text.
    public static let wholeFileOutputLimit = 1 << 30

    public init(
        command: String,
        stdin: Data? = nil,
        environment: [String: String] = [:],
        shellVariables: [String: String] = [:],
        workingDirectory: String? = nil,
        timeout: Duration? = nil,
        become: Bool = false,
        becomeUser: String? = nil,
        outputLimit: Int = OutputBuffer.defaultLimit
    ) {
        self.command = command
        self.stdin = stdin
        self.environment = environment
        self.shellVariables = shellVariables
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.become = become
        self.becomeUser = becomeUser
        self.outputLimit = outputLimit
    }
}
