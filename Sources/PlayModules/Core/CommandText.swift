import Foundation
import PlayBase
import PlayExecutor

/// The command text of a `command` or `shell` task: the free-form string (`_raw_params`) or
/// `cmd:`, never both (Ansible's rule), and the failures both modules report before running.
enum CommandText {
    static let conflict = "The 'cmd' argument cannot be used with a free-form string; give the command once"

    /// The text to run; nil when both forms were given.
    static func raw(_ context: ModuleContext) -> String? {
        let free = context.string("_raw_params") ?? ""
        let cmd = context.string("cmd") ?? ""
        if !free.trimmingCharacters(in: .whitespaces).isEmpty && !cmd.isEmpty { return nil }
        return free.trimmingCharacters(in: .whitespaces).isEmpty ? cmd : free
    }

    /// A failure before anything ran, with the keys Ansible always returns (`rc` 256).
    static func failure(_ message: String, cmd: Value) -> TaskResult {
        TaskResult.failed(message, [
            "changed": false, "stdout": "", "stderr": "", "rc": 256, "cmd": cmd,
            "start": .null, "end": .null, "delta": .null, "stdout_lines": [], "stderr_lines": [],
        ])
    }
}
