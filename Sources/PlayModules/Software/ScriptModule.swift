import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage
import PlayTemplating

/// `script`: copies a controller script (looked up in `files/` like `copy`'s `src`) to a
/// temporary directory on the target and runs it there, with the rest of the free-form text as
/// its arguments (read by the target's shell, as Ansible's are), under `executable` when given,
/// in `chdir`. `creates`/`removes` are checked on the target first. The script's bytes travel
/// on the command's stdin, so a call is one command; the script itself gets no stdin. Check
/// mode runs nothing: it is skipped, or reported as a change when `creates`/`removes` are set,
/// as in Ansible.
public struct ScriptModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "script", arguments: [
        ArgumentSpec("_raw_params", .string),
        ArgumentSpec("cmd", .string),
        ArgumentSpec("creates", .string),
        ArgumentSpec("removes", .string),
        ArgumentSpec("chdir", .string),
        ArgumentSpec("executable", .string),
        ArgumentSpec("decrypt", .bool, defaultValue: true),
    ], freeForm: .rawParams, mutuallyExclusive: [["_raw_params", "cmd"]], requiredOneOf: [["_raw_params", "cmd"]])

    private static let marker = Data("\u{1E}play:".utf8)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let raw = (context.string("_raw_params") ?? context.string("cmd") ?? "").trimmingCharacters(in: .whitespaces)
        let words: [String]
        do {
            words = try ShellWords.split(raw)
        } catch {
            return .failed("cannot split the script's command line into words: \(error)")
        }
        guard let first = words.first else { return .failed("script needs the path of a script to run") }
        if let chdir = context.string("chdir"), !chdir.hasPrefix("/") {
            return .failed("chdir \(chdir) must be an absolute path for a Unix-aware remote node")
        }
        let path = context.localPath(first, subdirectory: "files")
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failed("Could not find or access '\(first)' on the controller (looked in files/ beside the task"
                + " and the playbook, then beside them; last tried \(path))")
        }
        if context.bool("decrypt", default: true), data.starts(with: Data("$ANSIBLE_VAULT;".utf8)) {
            return .failed("the script '\(first)' is vault-encrypted, and script cannot decrypt it yet")
        }
        let name = (path as NSString).lastPathComponent
        // The first word gives way to the copy on the target; the arguments stay as written.
        let rest = raw.hasPrefix(first) ? String(raw.dropFirst(first.count))
            : raw.range(of: first).map { String(raw[$0.upperBound...]) } ?? ""
        let executable = context.string("executable").map { $0 + " " } ?? ""
        let creates = context.string("creates"), removes = context.string("removes")
        var s = [String]()
        if let creates {
            s.append("for _pf in \(ShellWord.glob(creates)); do [ -e \"$_pf\" ] && { printf '\\036play:creates\\036'; exit 0; }; done")
        }
        if let removes {
            s.append("_pfound=0; for _pf in \(ShellWord.glob(removes)); do [ -e \"$_pf\" ] && _pfound=1; done")
            s.append("[ $_pfound = 1 ] || { printf '\\036play:removes\\036'; exit 0; }")
        }
        if context.checkMode {
            s.append("printf '\\036play:check\\036'; exit 0")
        } else {
            s.append(#"""
                _pW=$(mktemp -d "${TMPDIR:-/tmp}/play-script-XXXXXX") || { echo 'could not create a temporary directory' >&2; exit 1; }
                trap 'rm -rf "$_pW"' EXIT
                """#)
            s.append("_pS=\"$_pW\"/\(ShellWords.quote(name)); cat > \"$_pS\"; chmod 0700 \"$_pS\"")
            if let chdir = context.string("chdir") {
                s.append("cd -- \(ShellWord.expanded(chdir)) || exit 1")
            }
            s.append(#"printf '\036play:run\036'"#)
            // Not exec'd: the trap removes the copy when the script ends.
            s.append("\(executable)\"$_pS\"\(rest) < /dev/null")
        }
        let connection = try await context.connection()
        let answer = try await connection.run(CommandRequest(
            command: s.joined(separator: "\n"), stdin: data, environment: context.environment, become: context.become,
            becomeUser: context.becomeUser))
        var stdout = answer.stdout
        var decision = ""
        if stdout.starts(with: Self.marker), let close = stdout[Self.marker.count...].firstIndex(of: 0x1E) {
            decision = String(decoding: stdout[Self.marker.count..<close], as: UTF8.self)
            stdout.removeSubrange(stdout.startIndex...close)
        }
        switch decision {
        case "creates":
            return TaskResult(["changed": false, "skipped": true, "msg": .string("\(creates ?? "") exists, matching creates option")])
        case "removes":
            return TaskResult(["changed": false, "skipped": true,
                               "msg": .string("\(removes ?? "") does not exist, matching removes option")])
        case "check":
            if creates != nil || removes != nil { return TaskResult(["changed": true]) }
            return TaskResult(["changed": false, "skipped": true, "msg": "Check mode is not supported for this task."])
        default:
            break
        }
        let out = String(decoding: stdout, as: UTF8.self)
        let err = answer.stderrText
        var r = TaskResult([
            "rc": .int(Int(answer.exitCode)), "stdout": .string(out), "stdout_lines": PythonFormat.lines(out),
            "stderr": .string(err), "stderr_lines": PythonFormat.lines(err), "changed": true,
        ])
        if decision != "run" && answer.exitCode == 0 { r.failed = true; r.message = "the script could not be started" }
        if answer.exitCode != 0 {
            r.failed = true
            r.message = "non-zero return code"
        }
        return r
    }
}
