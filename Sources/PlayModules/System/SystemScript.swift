import Foundation
import PlayBase
import PlayConnection
import PlayExecutor

/// The shell the system modules (user, group, cron, hostname, mount...) send to a target: a
/// first script reads the state (account databases, files, tools present), the module decides on
/// the controller which commands Ansible would run, and a second script runs them. Each command
/// is argv quoted word by word; `_prun` runs one and prints its `rc`, `out` and `err` as
/// NUL-separated records (`ScriptRecords`), stopping the script at the first failure, so the
/// module reports the failing command's output as Ansible does.
enum SystemScript {
    /// One shell command line from argv words.
    static func line(_ argv: [String]) -> String { argv.map(ShellWords.quote).joined(separator: " ") }

    /// `_pfail`, `_pdb` (an account database's entries, all or one: getent where the target has
    /// it, else the file under /etc) and `_prun`. `_prun` reads the text in `$_pin` (when set) as the command's
    /// standard input; output keeps its trailing newlines; its records' keys start with `$_ptag`
    /// (so a later step's command does not hide the main one's output).
    static let functions = #"""
        LC_ALL=C; export LC_ALL
        _pfail() { printf 'failed=%s\0' "$1"; exit 0; }
        _pdb() { if command -v getent >/dev/null 2>&1; then getent "$1" ${2:+"$2"}; else
          if [ -n "${2-}" ]; then awk -F: -v n="$2" '$1 == n' "/etc/$1" 2>/dev/null; else cat "/etc/$1"; fi; fi; }
        _prun() {
          _pef=$(mktemp) || _pfail "mktemp failed on the target"
          _pout=$(if [ -n "${_pin-}" ]; then printf '%s\n' "$_pin" | "$@"; else "$@" </dev/null; fi 2>"$_pef"; _pr=$?; printf x; exit $_pr)
          _prc=$?; _pout=${_pout%x}
          _perr=$(cat "$_pef"; printf x); _perr=${_perr%x}; rm -f "$_pef"; _pin=
          printf '%src=%s\0%sout=%s\0%serr=%s\0%sran=1\0' "${_ptag-}" "$_prc" "${_ptag-}" "$_pout" "${_ptag-}" "$_perr" "${_ptag-}"
          [ "$_prc" = 0 ] || exit 0
        }
        """#

    /// Runs `script` (after the functions) on the target and reads its records; a failure of
    /// the script itself (not of a command it ran) becomes the thrown result. A script that
    /// runs to its end succeeds, whatever its last test answered.
    static func run(_ script: String, context: ModuleContext, stdin: Data? = nil) async throws -> ScriptRecords {
        let answer = try await context.connection().run(CommandRequest(
            command: functions + "\n" + script + "\n:", stdin: stdin, environment: context.environment,
            become: context.become, becomeUser: context.becomeUser))
        let records = ScriptRecords(answer.stdout)
        if let failure = records.failure(of: answer) { throw Refusal(result: failure) }
        return records
    }

    /// A module's early failed result, thrown from a helper.
    struct Refusal: Error {
        var result: TaskResult
    }

    /// What the commands the script ran answered: the last one's (the failing one's) rc and output.
    struct Outcome {
        var ran: Bool
        var rc: Int
        var stdout: String
        var stderr: String

        /// The commands run under `_ptag=tag` (none: the untagged ones).
        init(_ records: ScriptRecords, tag: String = "") {
            ran = records.flag(tag + "ran")
            rc = Int(records[tag + "rc"] ?? "") ?? 0
            stdout = records[tag + "out"] ?? ""
            stderr = records[tag + "err"] ?? ""
        }

        var failed: Bool { ran && rc != 0 }
    }

    /// Prints `st=` (ScriptRecords' attribute record) for the file `$variable` names, when it exists.
    static func statRecord(_ variable: String) -> String {
        #"if [ -e "$\#(variable)" ]; then printf 'st=%s\0' "$(stat -c '%a %u %g %s %U %G %F' -- "$\#(variable)")"; fi"#
    }

    /// What Ansible's `add_path_info` adds to a result that names an existing `path`: owner,
    /// group, mode, state and size, in its order.
    static func addPathInfo(_ result: inout TaskResult, _ records: ScriptRecords) {
        let attributes = records.fileAttributes()
        for key in ["uid", "gid", "owner", "group", "mode", "state", "size"] {
            if let value = attributes[key] { result[key] = value }
        }
    }
}
