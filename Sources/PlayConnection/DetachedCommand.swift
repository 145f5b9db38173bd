import Foundation
import PlayBase

/// For connections without a stdin channel or a live shell (one script per command, as
/// SSM's Run Command runs them): a `CommandRequest` as one self-contained `sh` script, and
/// its answer read back with the become marker checked, as `LocalConnection` and
/// `SSHConnection` do.
public enum DetachedCommand {
    /// The script that runs `request` with its input written by `stdinSource` (shell text that
    /// prints the input, e.g. a `printf` or a `curl`) into a private file first, so a failed
    /// download fails the script rather than feeding the command an empty input. The
    /// environment and shell variables travel in that input, never in the script's text.
    public static func script(for request: CommandRequest, becomeMethod: String, host: String,
                              stdinSource: (Data) -> String) throws(ConnectionError) -> String {
        let invocation = try CommandScript.invocation(for: request, becomeMethod: becomeMethod, markExit255: false, host: host)
        let line = CommandScript.commandLine(invocation.words)
        guard let input = invocation.stdin, !input.isEmpty else { return line + " </dev/null" }
        return """
            _play_in="${TMPDIR:-/tmp}/.play-in.$$"
            (umask 077 && \(stdinSource(input)) > "$_play_in") || { rm -f "$_play_in"; exit 1; }
            \(line) < "$_play_in"
            _play_rc=$?
            rm -f "$_play_in"
            exit $_play_rc
            """
    }

    /// The bytes the script feeds `request` (its environment values first), to decide how to ship them.
    public static func input(for request: CommandRequest, becomeMethod: String, host: String) throws(ConnectionError) -> Data? {
        try CommandScript.invocation(for: request, becomeMethod: becomeMethod, markExit255: false, host: host).stdin
    }

    /// `data` as a `printf` command that writes exactly those bytes.
    public static func printfCommand(_ data: Data) -> String {
        "printf '\(SSHShellSession.printfFormat(data))'"
    }

    /// The command's own result, or the error when sudo refused to run it.
    public static func result(status: Int32, stdout: Data, stderr: Data, become: Bool, duration: Duration,
                              host: String) throws(ConnectionError) -> CommandResult {
        switch CommandScript.interpret(status: status, stdout: stdout, stderr: stderr, become: become, viaSSH: false) {
        case .completed(let status, let stdout, let stderr):
            return CommandResult(exitCode: status, stdout: stdout, stderr: stderr, duration: duration)
        case .becomeFailed(let message):
            throw .becomeFailed(host: host, message: message)
        case .connectionFailed(let message, _, _):
            throw .unreachable(host: host, message: message)
        }
    }

    /// The script that replaces `path` with the bytes on its stdin (atomically, with `mode`).
    public static func putScript(path: String, mode: Int?) throws(ConnectionError) -> String {
        FileTransferScript.put(path: path, mode: mode)
    }

    /// True when `mode` is a file mode (0 to 0o7777) or nil.
    public static func validMode(_ mode: Int?) -> Bool { FileTransferScript.validMode(mode) }
}
