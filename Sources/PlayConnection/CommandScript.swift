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

    /// The argument vector that runs `request` (executable first).
    static func words(
        for request: CommandRequest,
        becomeMethod: String,
        markExit255: Bool,
        host: String
    ) throws(ConnectionError) -> [String] {
        var lines: [String] = []
        if request.become {
            lines.append(#"printf '\036play:become\036' >&2"#)
        }
        if markExit255 {
            lines.append(#"trap 'test $? = 255 && printf "\036play:rc255\036" >&2' EXIT"#)
        }
        if let directory = request.workingDirectory {
            lines.append("cd -- \(ShellQuoting.quotePath(directory)) || exit 1")
        }
        for name in request.environment.keys.sorted() {
            guard isVariableName(name) else {
                throw .configuration(host: host, message: "environment variable name '\(name)' is not valid in a shell"
                    + " (use letters, digits and _, not starting with a digit)")
            }
            lines.append("export \(name)=\(ShellWords.quote(request.environment[name]!))")
        }
        lines.append(request.command)
        let shell = ["/bin/sh", "-c", lines.joined(separator: "\n")]
        guard request.become else { return shell }
        guard becomeMethod == "sudo" else {
            throw .configuration(host: host, message: "become_method '\(becomeMethod)' is not supported; play supports sudo")
        }
        return ["sudo", "-n", "-H", "-u", request.becomeUser ?? "root"] + shell
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
