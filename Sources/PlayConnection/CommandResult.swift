import Foundation

/// What a command did on the target: its own exit code (connection failures are thrown as
/// `ConnectionError`, never reported here) and everything it wrote.
public struct CommandResult: Sendable, Hashable {
    /// The command's exit status; a command killed by a signal reports minus the signal
    /// number, as Ansible (Python's subprocess) does.
    public var exitCode: Int32
    public var stdout: Data
    public var stderr: Data
    /// Wall time from starting the command to collecting its result.
    public var duration: Duration
    /// Bytes of output dropped over the request's `outputLimit` (a notice in the text marks where).
    public var stdoutOmitted: Int
    public var stderrOmitted: Int

    public init(exitCode: Int32, stdout: Data, stderr: Data, duration: Duration, stdoutOmitted: Int = 0, stderrOmitted: Int = 0) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
        self.duration = duration
        self.stdoutOmitted = stdoutOmitted
        self.stderrOmitted = stderrOmitted
    }

    public var succeeded: Bool { exitCode == 0 }
    /// Standard output as text (invalid UTF-8 is replaced, never fatal).
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    /// Standard error as text (invalid UTF-8 is replaced, never fatal).
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}
