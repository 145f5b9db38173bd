import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayLanguage
import PlayTemplating

/// An `async:` task's request to its module: the longest the job may run, in seconds.
public struct AsyncJobRequest: Sendable, Hashable {
    public var seconds: Int

    public init(seconds: Int) { self.seconds = seconds }
}

/// Async jobs on the target, kept as Ansible's async_wrapper keeps them: `~/.ansible_async/<jid>`
/// is a JSON file (`started`, `finished`, `ansible_job_id`, `results_file`, then the command's
/// `rc`, `stdout`, `stderr`, `cmd`, `start`, `end`, `delta`), replaced atomically (written beside
/// it, then renamed) when the job ends. A detached `sh` worker runs the module's script, and a
/// watchdog kills the job's process group after `async` seconds ("Timeout exceeded").
/// Everything is POSIX `sh`; `setsid` (when present) gives the job its own process group.
public enum AsyncJob {
    /// A job id in Ansible's form: `j`, twelve digits, `.`, the controller's pid.
    public static func newID() -> String {
        "j\(UInt64.random(in: 100_000_000_000...999_999_999_999)).\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Starts `script` detached on the target and answers the job's first result (Ansible's
    /// poll-0 result). `cmd` is stored for the final result; `stdin` is kept in a file beside the
    /// job file and fed to the script.
    public static func start(_ script: String, cmd: Value, stdin: Data? = nil, request: AsyncJobRequest,
                             context: ModuleContext) async throws -> TaskResult {
        let jid = newID()
        let launch = launchScript(script, jid: jid, seconds: request.seconds, cmdJSON: cmd.jsonString(),
                                  keepsStdin: stdin != nil)
        let answer = try await context.connection().run(CommandRequest(
            command: launch, stdin: stdin, environment: context.environment, become: context.become,
            becomeUser: context.becomeUser))
        let resultsFile = answer.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard answer.exitCode == 0, !resultsFile.isEmpty else {
            let stderr = answer.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            return .failed("could not start the async job on the target" + (stderr.isEmpty ? "" : ": \(stderr)"))
        }
        return TaskResult(["ansible_job_id": .string(jid), "changed": true, "finished": false,
                           "results_file": .string(resultsFile), "started": true])
    }

    /// The job file's current result, or a failed result when there is no such job.
    public static func status(_ jid: String, context: ModuleContext) async throws -> TaskResult {
        let answer = try await context.connection().run(CommandRequest(
            command: "_f=\"$HOME/.ansible_async/\"\(ShellWords.quote(jid)); cat \"$_f\" 2>/dev/null || { printf '%s' \"$_f\"; exit 3; }",
            environment: context.environment, become: context.become, becomeUser: context.becomeUser))
        if answer.exitCode == 3 {
            return .failed("could not find job", ["ansible_job_id": .string(jid), "started": true, "finished": true,
                                                   "results_file": .string(answer.stdoutText)])
        }
        return result(ofJobFile: answer.stdout, jid: jid)
    }

    /// `sh` that kills the processes of the job whose file is `$_f` (its process group when it has one).
    static let killProcesses =
        #"if [ -f "$_f.pid" ]; then read _p _g < "$_f.pid"; if [ "$_g" = 1 ]; then kill -KILL -- "-$_p"; else kill -KILL "$_p"; fi; fi 2>/dev/null"#

    /// Kills the job's processes (its process group when it has one) and writes Ansible's
    /// timeout result into the job file, for a runner that gave up before the watchdog fired.
    public static func kill(_ jid: String, message: String, context: ModuleContext) async throws {
        let script = """
            _f="$HOME/.ansible_async/"\(ShellWords.quote(jid))
            \(killProcesses)
            printf '{"started": 1, "finished": 1, "failed": 1, "ansible_job_id": "%s", "results_file": "%s", "msg": "%s", "stdout": "", "stderr": ""}\\n' \
              \(ShellWords.quote(jid)) "$_f" \(ShellWords.quote(message)) > "$_f.tmp" && mv "$_f.tmp" "$_f"
            rm -f "$_f.sh" "$_f.in" "$_f.out" "$_f.err" "$_f.cmd" "$_f.pid"
            """
        _ = try await context.connection().run(CommandRequest(
            command: script, environment: context.environment, become: context.become, becomeUser: context.becomeUser))
    }

    /// Removes the job file (and whatever the job left beside it); answers its path.
    public static func cleanup(_ jid: String, context: ModuleContext) async throws -> String {
        let answer = try await context.connection().run(CommandRequest(
            command: "_f=\"$HOME/.ansible_async/\"\(ShellWords.quote(jid)); rm -f \"$_f\" \"$_f\".*; printf '%s' \"$_f\"",
            environment: context.environment, become: context.become, becomeUser: context.becomeUser))
        return answer.stdoutText
    }

    /// The task result a job file says, as Ansible's async_status shapes it: `started` and
    /// `finished` as booleans; a finished command with its `changed`, `failed`, `msg` and
    /// `stdout_lines`/`stderr_lines`; a job that was killed failed with its `msg`.
    public static func result(ofJobFile data: Data, jid: String) -> TaskResult {
        // Command output may be any bytes: invalid UTF-8 becomes U+FFFD rather than a parse failure.
        let text = String(decoding: data, as: UTF8.self)
        guard case .dict(var job)? = try? Value.parseJSON(text) else {
            return .failed("the async job file is not valid JSON", ["ansible_job_id": .string(jid), "started": true,
                                                                     "finished": false])
        }
        let finished = job["finished"].map(\.isTruthy) ?? false
        job["started"] = .bool(job["started"].map(\.isTruthy) ?? true)
        job["finished"] = .bool(finished)
        if job["ansible_job_id"] == nil { job["ansible_job_id"] = .string(jid) }
        var r = TaskResult(job)
        guard finished else {
            r.changed = false
            return r
        }
        for key in ["stdout", "stderr"] {
            if case .string(let s)? = job[key] { r[key] = .string(PythonFormat.stripTrailingNewlines(s)) }
        }
        if job["failed"].map(\.isTruthy) == true {
            r.failed = true
            r.changed = false
        } else if case .int(let rc)? = job["rc"] {
            r.changed = true
            r.failed = rc != 0
            r["msg"] = rc != 0 ? "non-zero return code" : ""
        }
        for key in ["stdout", "stderr"] where r[key] != nil {
            r["\(key)_lines"] = PythonFormat.lines(r[key]?.renderedString ?? "")
        }
        return r
    }

    /// The launcher: stores the script, its stdin and `cmd` (private to the user: they may hold
    /// secrets; the command itself gets the user's umask back), writes the first job file, and
    /// starts the worker detached (its own session when `setsid` exists). It prints the job file's path.
    static func launchScript(_ script: String, jid: String, seconds: Int, cmdJSON: String, keepsStdin: Bool = false,
                             keepsOutput: Bool = false) -> String {
        let end = "__PLAY_ASYNC_\(jid.replacingOccurrences(of: ".", with: "_"))__"
        return """
            _um=$(umask); umask 077
            _d="$HOME/.ansible_async"; _f="$_d/\(jid)"
            mkdir -p "$_d" || exit 1
            cat > "$_f.sh" <<'\(end)'
            \(script)
            \(end)
            printf '%s' \(ShellWords.quote(cmdJSON)) > "$_f.cmd"
            \(keepsStdin ? #"cat > "$_f.in""# : #": > "$_f.in""#)
            printf '{"started": 1, "finished": 0, "ansible_job_id": "%s", "results_file": "%s"}\\n' \(jid) "$_f" > "$_f.tmp" && mv "$_f.tmp" "$_f" || exit 1
            if command -v setsid >/dev/null 2>&1; then
              setsid /bin/sh -c \(ShellWords.quote(worker)) play-async "$_f" \(jid) \(seconds) 1 "$_um" \(keepsOutput ? 1 : 0) </dev/null >/dev/null 2>&1 &
            else
              nohup /bin/sh -c \(ShellWords.quote(worker)) play-async "$_f" \(jid) \(seconds) 0 "$_um" \(keepsOutput ? 1 : 0) </dev/null >/dev/null 2>&1 &
            fi
            printf '%s' "$_f"
            """
    }

    /// The detached worker: `$1` job file, `$2` jid, `$3` seconds, `$4` 1 when it leads its own
    /// process group (then the watchdog kills the group: the command and all it started), `$5`
    /// the user's umask for the command, `$6` 1 to keep the raw output (`.out`, `.err`) for a
    /// reader that wants its bytes as they are (`AsyncJobConnection`).
    static let worker = #"""
        _f=$1; _j=$2; _s=$3; _g=$4; _um=$5; _k=${6:-0}
        echo "$$ $_g" > "$_f.pid"
        _stamp() {
          set -- $(date '+%s %N %Y-%m-%d %H:%M:%S')
          _n=$2; case $_n in *[!0-9]*|'') _n=0 ;; esac
          _n=${_n#"${_n%%[!0]*}"}; _us=$(( ${_n:-0} / 1000 ))
          echo "$1 $_us $3 $4"
        }
        _pj() {
          # Replacing by split and join: gsub's handling of backslashes differs between awks.
          awk 'function rep(s, ch, with,   n, parts, out, i) {
                 n = split(s, parts, ch); out = parts[1]
                 for (i = 2; i <= n; i++) out = out with parts[i]
                 return out
               }
               BEGIN { ORS = ""; for (i = 1; i < 32; i++) if (i != 9 && i != 10 && i != 13) c[i] = sprintf("%c", i) }
               { s = rep($0, "\\", "\\\\"); s = rep(s, "\"", "\\\""); s = rep(s, "\t", "\\t"); s = rep(s, "\r", "\\r")
                 for (i in c) s = rep(s, c[i], sprintf("\\u%04x", i))
                 if (NR > 1) print "\\n"; print s }' "$1"
        }
        set -- $(_stamp); _s0=$1; _u0=$2; _start="$3 $4.$(printf '%06d' "$2")"
        cd || true
        ( umask "$_um"; exec /bin/sh "$_f.sh" ) > "$_f.out" 2> "$_f.err" < "$_f.in" & _c=$!
        (
          trap 'kill $_sp 2>/dev/null; exit 0' TERM
          sleep "$_s" & _sp=$!; wait $_sp
          printf '{"started": 1, "finished": 1, "failed": 1, "ansible_job_id": "%s", "results_file": "%s", "msg": "Timeout exceeded", "child_pid": %s, "stdout": "", "stderr": ""}\n' "$_j" "$_f" "$_c" > "$_f.tmp" && mv "$_f.tmp" "$_f"
          rm -f "$_f.sh" "$_f.in" "$_f.out" "$_f.err" "$_f.cmd" "$_f.pid"
          if [ "$_g" = 1 ]; then kill -KILL 0; else kill -KILL "$_c"; fi
        ) & _w=$!
        wait $_c; _rc=$?
        kill $_w 2>/dev/null
        set -- $(_stamp); _s1=$1; _u1=$2; _end="$3 $4.$(printf '%06d' "$2")"
        _ds=$(( _s1 - _s0 )); _du=$(( _u1 - _u0 ))
        if [ $_du -lt 0 ]; then _du=$(( _du + 1000000 )); _ds=$(( _ds - 1 )); fi
        _delta=$(printf '%d:%02d:%02d.%06d' $(( _ds / 3600 )) $(( _ds % 3600 / 60 )) $(( _ds % 60 )) $_du)
        {
          printf '{"started": 1, "finished": 1, "ansible_job_id": "%s", "results_file": "%s", "rc": %s, "cmd": ' "$_j" "$_f" "$_rc"
          cat "$_f.cmd"
          printf ', "start": "%s", "end": "%s", "delta": "%s", "stdout": "' "$_start" "$_end" "$_delta"
          # Kept output stays in its files, bytes as they are (NULs included).
          [ "$_k" = 1 ] || _pj "$_f.out"
          printf '", "stderr": "'
          [ "$_k" = 1 ] || _pj "$_f.err"
          printf '"}\n'
        } > "$_f.tmp" && mv "$_f.tmp" "$_f"
        rm -f "$_f.sh" "$_f.in" "$_f.cmd" "$_f.pid"
        [ "$_k" = 1 ] || rm -f "$_f.out" "$_f.err"
        """#
}

extension ModuleTraits {
    /// A module on the host whose work is one command that can run as an async job.
    public static let remoteAsync: ModuleTraits = {
        var traits = ModuleTraits.remote
        traits.supportsAsync = true
        return traits
    }()

    /// `command` and `shell`: an async-capable command whose result is its output.
    public static let commandAsync: ModuleTraits = {
        var traits = ModuleTraits.remoteAsync
        traits.commandOutput = true
        return traits
    }()
}
