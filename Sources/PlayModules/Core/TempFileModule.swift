import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `tempfile`: creates a new, private temporary file (0600) or directory (0700) on the target,
/// named `prefix` + 8 random characters + `suffix` in `path` (default `$TMPDIR`, else `/tmp`).
/// The name is drawn on the controller and created exclusively on the target (`set -C` for a
/// file, `mkdir` for a directory), retried on a clash, so busybox `mktemp` (which cannot take a
/// suffix) is not needed. Skipped in check mode, as in Ansible.
public struct TempFileModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "tempfile", arguments: [
        ArgumentSpec("state", .string, choices: ["directory", "file"], defaultValue: "file"),
        ArgumentSpec("path", .path),
        ArgumentSpec("prefix", .string, defaultValue: "ansible."),
        ArgumentSpec("suffix", .string, defaultValue: ""),
    ], freeForm: .keyValue)

    static let nameCharacters = Array("abcdefghijklmnopqrstuvwxyz0123456789_")

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        if context.checkMode {
            return TaskResult(["changed": false, "msg": "remote module (tempfile) does not support check mode", "skipped": true])
        }
        let directory = context.string("state") == "directory"
        let prefix = context.string("prefix") ?? "ansible."
        let suffix = context.string("suffix") ?? ""
        let names = (0..<8).map { _ in prefix + String((0..<8).map { _ in Self.nameCharacters.randomElement()! }) + suffix }
        let dir = context.string("path").map(ShellWord.expanded) ?? #""${TMPDIR:-/tmp}""#
        let create = directory ? #"mkdir -m 0700 -- "$_pT" 2>/dev/null"# : #"( umask 077; set -C; : > "$_pT" ) 2>/dev/null"#
        let script = FileScript.functions + "\n" + #"""
            _pdir=\#(dir); _pdir=${_pdir%/}
            [ -d "$_pdir/" ] || _pfail "[Errno 2] No such file or directory: '$_pdir/"\#(ShellWords.quote(names[0]))"'"
            for _pn in \#(names.map(ShellWords.quote).joined(separator: " ")); do
              _pT=$_pdir/$_pn
              if \#(create); then _preport "$_pT"; printf 'path=%s\0' "$_pT"; exit 0; fi
            done
            _pfail "could not create a temporary \#(directory ? "directory" : "file") in $_pdir"
            """#
        let answer = try await context.connection().run(CommandRequest(
            command: script, environment: context.environment, become: context.become, becomeUser: context.becomeUser))
        let records = ScriptRecords(answer.stdout)
        if let failure = records.failure(of: answer) { return failure }
        var r = TaskResult(["changed": true])
        r["path"] = .string(records["path"] ?? "")
        for (k, v) in records.fileAttributes() { r[k] = v }
        return r
    }
}
