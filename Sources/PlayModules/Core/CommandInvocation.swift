import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayTemplating

/// One `command` or `shell` call, shared by both modules: the `chdir`, `creates` and
/// `removes` checks and the command itself go to the target as one script (one round trip),
/// and the answer becomes Ansible's result (`cmd, stdout, stderr, rc, start, end, delta, msg`,
/// plus `stdout_lines`/`stderr_lines`).
struct CommandInvocation {
    /// What runs: argv words (`command`) or shell text (`shell`).
    enum Program {
        case argv([String], expandVariables: Bool)
        case shell(String, executable: String)
    }

    var program: Program
    var chdir: String?
    var creates: String?
    var removes: String?
    var stdin: String?
    var stdinAddNewline: Bool
    var stripEmptyEnds: Bool
    var warnings: [String] = []

    /// The script's first bytes on stdout say what it decided; the command's own output follows.
    private static let marker = "\u{1E}play:"

    /// Ansible's `cmd`: the argv list for command, the text for shell.
    var cmdValue: Value {
        switch program {
        case .argv(let words, _): return .list(words.map(Value.string))
        case .shell(let text, _): return .string(text)
        }
    }

    func run(_ context: ModuleContext) async throws -> TaskResult {
        let guarded = chdir != nil || creates != nil || removes != nil
        if context.checkMode && !guarded {
            // Nothing on the target could decide otherwise: Ansible skips without running.
            var r = baseResult()
            r["rc"] = 0
            r["msg"] = "Command would have run if not in check mode"
            r["skipped"] = true
            r["changed"] = false
            return withLines(r)
        }
        var input: Data?
        if let stdin {
            input = Data((stdinAddNewline ? stdin + "\n" : stdin).utf8)
        }
        if let job = context.asyncJob, !context.checkMode {
            // Detached, there is no one to read the markers: the guards answer as the command would.
            return try await AsyncJob.start(script(checkMode: false, detached: true), cmd: cmdValue, stdin: input,
                                            request: job, context: context)
        }
        let request = CommandRequest(command: script(checkMode: context.checkMode), stdin: input,
                                     environment: context.environment, become: context.become,
                                     becomeUser: context.becomeUser)
        let connection = try await context.connection()
        let start = Date()
        let clock = ContinuousClock.now
        let answer = try await connection.run(request)
        let elapsed = ContinuousClock.now - clock
        let end = start.addingTimeInterval(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        return result(of: answer, start: start, end: end, elapsed: elapsed, checkMode: context.checkMode)
    }

    /// The script: guards first (each answering with its marker), then the command.
    func script(checkMode: Bool, detached: Bool = false) -> String {
        var lines: [String] = []
        let m = #"\036play:"#
        if detached {
            return detachedScript()
        }
        if let chdir {
            let dir = ShellWord.expanded(chdir)
            lines.append("""
                if ! cd -- \(dir) 2>/dev/null; then
                  if [ ! -e \(dir) ]; then _pr='No such file or directory'; elif [ ! -d \(dir) ]; then _pr='Not a directory'; else _pr='Permission denied'; fi
                  printf '\(m)chdir:%s\\036' "$_pr"; exit 0
                fi
                """)
        }
        lines += guards(creates: "printf '\(m)creates\\036'", removes: "printf '\(m)removes\\036'")
        if checkMode {
            lines.append(#"printf '\036play:check\036'; exit 0"#)
            return lines.joined(separator: "\n")
        }
        lines.append(#"printf '\036play:run\036'"#)
        lines.append(commandLine)
        return lines.joined(separator: "\n")
    }

    /// The script for an async job: the guards print what Ansible's result would say, since the
    /// job file holds only the command's rc and output.
    private func detachedScript() -> String {
        var lines: [String] = []
        if let chdir {
            lines.append("cd -- \(ShellWord.expanded(chdir)) || exit 1")
        }
        lines += guards(creates: "printf 'skipped, since %s exists' \(ShellWords.quote(creates ?? ""))",
                        removes: "printf 'skipped, since %s does not exist' \(ShellWords.quote(removes ?? ""))")
        lines.append(commandLine)
        return lines.joined(separator: "\n")
    }

    /// The `creates` / `removes` checks; each ends the script after its `say` command when the
    /// command need not run.
    private func guards(creates createsSay: String, removes removesSay: String) -> [String] {
        var lines: [String] = []
        if let creates {
            lines.append("""
                for _pf in \(ShellWord.glob(creates)); do
                  if [ -e "$_pf" ] || [ -L "$_pf" ]; then \(createsSay); exit 0; fi
                done
                """)
        }
        if let removes {
            lines.append("""
                _pfound=0
                for _pf in \(ShellWord.glob(removes)); do
                  if [ -e "$_pf" ] || [ -L "$_pf" ]; then _pfound=1; break; fi
                done
                [ $_pfound = 1 ] || { \(removesSay); exit 0; }
                """)
        }
        return lines
    }

    /// The command itself, as the target's shell runs it.
    private var commandLine: String {
        switch program {
        case .argv(let words, let expand):
            return words.map { expand ? ShellWord.expanded($0) : ShellWords.quote($0) }.joined(separator: " ")
        case .shell(let text, let executable):
            return "\(ShellWords.quote(executable)) -c \(ShellWords.quote(text))"
        }
    }

    private func baseResult() -> TaskResult {
        var r = TaskResult()
        r["changed"] = false
        r["stdout"] = ""
        r["stderr"] = ""
        r["rc"] = .null
        r["cmd"] = cmdValue
        r["start"] = .null
        r["end"] = .null
        r["delta"] = .null
        r["msg"] = ""
        if !warnings.isEmpty { r["warnings"] = .list(warnings.map(Value.string)) }
        return r
    }

    private func withLines(_ r: TaskResult) -> TaskResult {
        var r = r
        r["stdout_lines"] = PythonFormat.lines(r["stdout"]?.renderedString ?? "")
        r["stderr_lines"] = PythonFormat.lines(r["stderr"]?.renderedString ?? "")
        return r
    }

    func result(of answer: CommandResult, start: Date, end: Date, elapsed: Duration, checkMode: Bool) -> TaskResult {
        var r = baseResult()
        var stdout = answer.stdout
        var stderr = answer.stderrText
        let prefix = Data(Self.marker.utf8)
        guard stdout.starts(with: prefix),
              let close = stdout[prefix.count...].firstIndex(of: 0x1E) else {
            // The script died before deciding (a shell that cannot run it, a killed command).
            r["rc"] = .int(Int(answer.exitCode))
            r["stdout"] = .string(answer.stdoutText)
            r["stderr"] = .string(stderr)
            r.failed = true
            r["msg"] = .string("the command could not be started on the target"
                + (stderr.isEmpty ? "" : ": \(PythonFormat.stripTrailingNewlines(stderr))"))
            return withLines(r)
        }
        let decision = String(decoding: stdout[prefix.count..<close], as: UTF8.self)
        stdout.removeSubrange(stdout.startIndex...close)
        let would = checkMode ? "Would" : "Did"
        switch decision {
        case "creates":
            let path = creates ?? ""
            r["msg"] = .string("\(would) not run command since '\(path)' exists")
            r["stdout"] = .string("skipped, since \(path) exists")
            r["rc"] = 0
            return withLines(r)
        case "removes":
            let path = removes ?? ""
            r["msg"] = .string("\(would) not run command since '\(path)' does not exist")
            r["stdout"] = .string("skipped, since \(path) does not exist")
            r["rc"] = 0
            return withLines(r)
        case "check":
            r["changed"] = true
            r["rc"] = 0
            r["msg"] = "Command would have run if not in check mode"
            return withLines(r)
        case let d where d.hasPrefix("chdir:"):
            r.failed = true
            r["msg"] = .string("Unable to change directory before execution: \(d.dropFirst(6)): '\(chdir ?? "")'")
            return withLines(r)
        default:
            break
        }
        var out = String(decoding: stdout, as: UTF8.self)
        if stripEmptyEnds {
            out = PythonFormat.stripTrailingNewlines(out)
            stderr = PythonFormat.stripTrailingNewlines(stderr)
        }
        r["changed"] = true
        r["stdout"] = .string(out)
        r["stderr"] = .string(stderr)
        r["rc"] = .int(Int(answer.exitCode))
        r["start"] = .string(PythonFormat.dateTime(start))
        r["end"] = .string(PythonFormat.dateTime(end))
        r["delta"] = .string(PythonFormat.timeDelta(elapsed))
        let omitted = [("stdout", answer.stdoutOmitted), ("stderr", answer.stderrOmitted)].filter { $0.1 > 0 }
        if !omitted.isEmpty {
            let notes = omitted.map { stream, bytes in
                "\(bytes) bytes of the command's \(stream) were left out (play keeps the first and last"
                    + " \(ByteSize.describe(OutputBuffer.defaultLimit / 2)) of each stream); redirect large output to a file on the host"
            }
            r["warnings"] = .list((r["warnings"]?.listValue ?? []) + notes.map(Value.string))
        }
        if answer.exitCode != 0 {
            r.failed = true
            r["msg"] = "non-zero return code"
        }
        return withLines(r)
    }
}
