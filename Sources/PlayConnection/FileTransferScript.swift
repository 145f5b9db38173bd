import Foundation
import PlayBase

/// Shell text for moving whole files through a command's stdin and stdout, so transfers use
/// the same channel (and the same sudo) as commands: one round trip each.
enum FileTransferScript {
    /// Reads stdin into a temporary file beside `path`, sets its mode, then renames it over
    /// `path`, so readers never see a half-written file. With a mode the temporary file is
    /// created private (umask 077) and opened up by chmod only once complete.
    static func put(path: String, mode: Int?) -> String {
        let target = ShellQuoting.quotePath(path)
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        var lines: [String] = []
        if mode != nil { lines.append("umask 077") }
        lines.append("if [ -d \(target) ]; then echo \"is a directory\" >&2; exit 1; fi")
        lines.append("t=\(target).play-tmp-\(suffix)")
        var steps = ["cat > \"$t\""]
        if let mode { steps.append("chmod \(octal(mode)) \"$t\"") }
        steps.append("mv -f \"$t\" \(target)")
        lines.append(steps.joined(separator: " && ") + " || { rc=$?; rm -f \"$t\"; exit $rc; }")
        return lines.joined(separator: "\n")
    }

    /// The largest file a fetch through a command's stdout holds in memory: 1 GiB.
    static let maxFetchBytes = CommandRequest.wholeFileOutputLimit

    /// The command that prints the file, with the output limit a fetch allows.
    static func fetch(path: String, become: Bool, becomeUser: String?) -> CommandRequest {
        CommandRequest(command: "cat -- \(ShellQuoting.quotePath(path))", become: become, becomeUser: becomeUser,
                       outputLimit: maxFetchBytes)
    }

    /// The fetched bytes, or the error that says the file was too large or could not be read.
    static func fetched(_ result: CommandResult, path: String, host: String) throws(ConnectionError) -> Data {
        guard result.exitCode == 0 else {
            throw .transfer(host: host, path: path, message: CommandScript.text(result.stderr))
        }
        guard result.stdoutOmitted == 0 else {
            throw .transfer(host: host, path: path, message: "the file is larger than the \(ByteSize.describe(maxFetchBytes))"
                + " play fetches into memory (copy it with a command on the host, e.g. split it or compress it first)")
        }
        return result.stdout
    }

    static func octal(_ mode: Int) -> String {
        String(format: "%04o", mode)
    }

    static func validMode(_ mode: Int?) -> Bool {
        mode.map { (0...0o7777).contains($0) } ?? true
    }
}
