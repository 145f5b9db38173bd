import Foundation
import PlayBase

/// Turns a `CommandRequest` into the words that run it on the target (`/bin/sh -c SCRIPT`,
/// behind `sudo` for become) and reads the answer back. Pure: tested without any process.
///
/// Two markers on stderr keep the transport honest without an extra round trip:
/// - under become the script first writes `becomeMarker`: if it is missing, sudo refused;
/// - over ssh an EXIT trap writes `exit255Marker` when the script exits with 255, so a
///   command's own 255 is told apart from ssh's 255 for "connection failed".
/// Both are removed before the result is handed back.
enum CommandScript {
    static let becomeMarker = Data("\u{1E}play:become\u{1E}".utf8)
    static let exit255Marker = Data("\u{1E}play:rc255\u{1E}".utf8)
    /// Written (with the pid of the script's shell, then 0x1E) after the become marker when
    /// asked: a command that times out on a remote host is then killed there with its children.
    static let pidMarker = Data("\u{1E}play:pid:".utf8)

    /// What runs one request: the argument vector (executable first) and the bytes for its stdin.
    struct Invocation: Equatable {
        var words: [String]
        var stdin: Data?
    }

    /// The argument vector that runs `request` (executable first) and its input. Values of
    /// `environment` and `shellVariables` never appear in the words (an argument list is readable
    /// by every user in `/proc/*/cmdline`, and sudo logs it): they travel first on stdin, one
    /// line each (see `valueLine`), and the script reads them with the shell's `read` builtin
    /// before the command runs, so the command's own input follows unchanged.
    static func invocation(
        for request: CommandRequest,
        becomeMethod: String,
        markExit255: Bool,
        reportPid: Bool = false,
        host: String
    ) throws(ConnectionError) -> Invocation {
        var lines: [String] = []
        if request.become {
            lines.append(#"printf '\036play:become\036' >&2"#)
        }
        if reportPid {
            lines.append(#"printf '\036play:pid:%d\036' "$$" >&2"#)
        }
        if markExit255 {
            lines.append(#"trap 'test $? = 255 && printf "\036play:rc255\036" >&2' EXIT"#)
        }
        if let directory = request.workingDirectory {
            lines.append("cd -- \(ShellQuoting.quotePath(directory)) || exit 1")
        }
        var preamble = Data()
        let values = request.environment.keys.sorted().map { ($0, request.environment[$0]!, true) }
            + request.shellVariables.keys.sorted().map { ($0, request.shellVariables[$0]!, false) }
        for (name, value, exported) in values {
            guard isVariableName(name) else {
                throw .configuration(host: host, message: "environment variable name '\(name)' is not valid in a shell"
                    + " (use letters, digits and _, not starting with a digit)")
            }
            lines.append(#"IFS= read -r _play_v || { echo "play: the value of \#(name) did not arrive on stdin" >&2; exit 1; }"#)
            lines.append(#"\#(name)=$(printf "x${_play_v}x"); \#(name)=${\#(name)#x}; \#(name)=${\#(name)%x}"#
                + (exported ? "; export \(name)" : ""))
            preamble.append(Data((valueLine(value) + "\n").utf8))
        }
        if !values.isEmpty { lines.append("unset _play_v") }
        lines.append(request.command)
        let shell = ["/bin/sh", "-c", lines.joined(separator: "\n")]
        let stdin = values.isEmpty ? request.stdin : preamble + (request.stdin ?? Data())
        guard request.become else { return Invocation(words: shell, stdin: stdin) }
        guard becomeMethod == "sudo" else {
            throw .configuration(host: host, message: "become_method '\(becomeMethod)' is not supported; play supports sudo")
        }
        return Invocation(words: ["sudo", "-n", "-H", "-u", request.becomeUser ?? "root"] + shell, stdin: stdin)
    }

    /// `value` as one line that, used as a printf format, prints exactly `value`: printable ASCII
    /// as it is, everything else (newlines too) and `%`, `\\`, `'` as 3-digit octal escapes.
    static func valueLine(_ value: String) -> String {
        SSHShellSession.printfFormat(Data(value.utf8)).replacingOccurrences(of: "\n", with: "\\012")
    }

    /// The words as one command line, for ssh to hand to the remote login shell.
    static func commandLine(_ words: [String]) -> String {
        words.map(ShellWords.quote).joined(separator: " ")
    }

    enum Outcome: Equatable {
        /// The command ran; its own status and output (markers removed).
        case completed(status: Int32, stdout: Data, stderr: Data)
        /// sudo did not start the command; its complaint.
        case becomeFailed(message: String)
        /// ssh exited with 255 without our marker: ssh itself failed (its complaint is in
        /// `message`), or the remote shell died without an exit status (killed by a signal;
        /// then `message` is empty). Output received so far is kept.
        case connectionFailed(message: String, stdout: Data, stderr: Data)
    }

    static func interpret(status: Int32, stdout: Data, stderr: Data, become: Bool, viaSSH: Bool) -> Outcome {
        var stderr = stderr
        var becameUser = false
        if become && stderr.starts(with: becomeMarker) {
            stderr.removeFirst(becomeMarker.count)
            becameUser = true
        }
        if let (_, length) = leadingPid(stderr) { stderr.removeFirst(length) }
        if viaSSH && status == 255 {
            guard let marker = stderr.range(of: exit255Marker, options: .backwards) else {
                return .connectionFailed(message: text(stderr), stdout: stdout, stderr: stderr)
            }
            stderr.removeSubrange(marker)
        }
        if become && !becameUser {
            return .becomeFailed(message: text(stderr))
        }
        return .completed(status: status, stdout: stdout, stderr: stderr)
    }

    /// The pid the script reported at the start of `stderr` (after the become marker, if any),
    /// and the marker's length.
    static func leadingPid(_ stderr: Data) -> (pid: Int, length: Int)? {
        guard stderr.starts(with: pidMarker) else { return nil }
        let digits = stderr.dropFirst(pidMarker.count).prefix { $0 != 0x1E }
        guard digits.count < 12, stderr.count > pidMarker.count + digits.count,
              let pid = Int(String(decoding: digits, as: UTF8.self)), pid > 1 else { return nil }
        return (pid, pidMarker.count + digits.count + 1)
    }

    /// The pid reported in the stderr of a command that ran with `reportPid`, markers and all.
    static func reportedPid(_ stderr: Data, become: Bool) -> Int? {
        var stderr = stderr
        if become && stderr.starts(with: becomeMarker) { stderr.removeFirst(becomeMarker.count) }
        return leadingPid(stderr)?.pid
    }

    /// Shell text that ends the process `pid` and everything it started (TERM, a moment, then
    /// KILL): the tree is found with POSIX `ps -o pid= -o ppid=` and `awk`, so a command that
    /// timed out leaves nothing running on the host when its connection is gone.
    static func killTree(pid: Int) -> String {
        #"""
        t=\#(pid); all=\#(pid)
        while [ -n "$t" ]; do
          t=$( { ps -A -o pid= -o ppid= 2>/dev/null || ps -o pid= -o ppid=; } | awk -v l=" $t " 'index(l, " " $2 " ") { print $1 }')
          t=$(echo $t); all="$all $t"
        done
        kill -TERM $all 2>/dev/null
        i=0
        while [ $i -lt 20 ] && kill -0 $all 2>/dev/null; do sleep 0.1 2>/dev/null || sleep 1; i=$((i + 1)); done
        kill -KILL $all 2>/dev/null
        exit 0
        """#
    }

    private static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// Trimmed text of a message, for errors.
    static func text(_ data: Data) -> String {
        String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
