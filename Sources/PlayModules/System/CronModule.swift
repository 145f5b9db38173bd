import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `cron`: one `#Ansible: NAME` job (or, with `env`, one variable) in a user's crontab (read
/// with `crontab -l`, installed with `crontab FILE`) or in a file under /etc/cron.d. One command
/// reads, the table is edited on the controller (`CronTable`, Ansible's rules), one more writes
/// when it changed and not in check mode.
public struct CronModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "cron", arguments: [
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("user", .string),
        ArgumentSpec("job", .string, aliases: ["value"]),
        ArgumentSpec("cron_file", .path),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("backup", .bool, defaultValue: false),
        ArgumentSpec("minute", .string, defaultValue: "*"),
        ArgumentSpec("hour", .string, defaultValue: "*"),
        ArgumentSpec("day", .string, aliases: ["dom"], defaultValue: "*"),
        ArgumentSpec("month", .string, defaultValue: "*"),
        ArgumentSpec("weekday", .string, aliases: ["dow"], defaultValue: "*"),
        ArgumentSpec("special_time", .string, choices: ["reboot", "yearly", "annually", "monthly", "weekly", "daily", "hourly"]),
        ArgumentSpec("disabled", .bool, defaultValue: false),
        ArgumentSpec("env", .bool, defaultValue: false),
        ArgumentSpec("insertafter", .string),
        ArgumentSpec("insertbefore", .string),
    ], mutuallyExclusive: [["insertafter", "insertbefore"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let name = context.string("name") ?? ""
        let user = context.string("user")
        let job = context.string("job")
        let install = context.string("state") != "absent"
        let env = context.bool("env")
        let after = context.string("insertafter"), before = context.string("insertbefore")
        var warnings: [String] = []
        let cronFile = context.string("cron_file")
        if let file = cronFile {
            if file == "/etc/crontab" { return .failed("Will not manage /etc/crontab via cron_file, see documentation.") }
            let base = (file as NSString).lastPathComponent
            if base.isEmpty || base.unicodeScalars.contains(where: { !(($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "_" || $0 == "-") }) {
                warnings.append("Filename portion of cron_file (\"\(base)\") should consist solely of upper- and lower-case letters, digits, underscores, and hyphens")
            }
        }
        let path = cronFile.map { $0.hasPrefix("/") ? $0 : "/etc/cron.d/" + $0 }
        let times = ["minute", "hour", "day", "month", "weekday"].map { context.string($0) ?? "*" }
        let special = context.string("special_time")
        if special != nil && times.contains(where: { $0 != "*" }) {
            return .failed("You cannot combine special_time with any of the time or day/date parameters.")
        }
        if install {
            if cronFile != nil && user == nil { return .failed("To use cron_file=... parameter you must specify user=... as well") }
            if job == nil { return .failed("You must specify 'job' to install a new cron job or variable") }
            if (after != nil || before != nil) && !env { return .failed("Insertafter and insertbefore parameters are valid only with env=yes") }
        }
        do {
            let access = Self.accessScript(user: user)
            let read = try await SystemScript.run(access + "\n" + (path.map { #"""
                _pcf=\#(ShellWords.quote($0))
                [ -f "$_pcf" ] && printf 'text=%s\0' "$(cat -- "$_pcf"; printf x)"
                """# } ?? #"""
                _pct=$($_pcrontab -l 2>/dev/null; _pr=$?; printf x; exit $_pr); _prc=$?
                [ $_prc -le 1 ] || _pfail "Unable to read crontab"
                printf 'text=%s\0' "$_pct"
                """#), context: context)
            let text = String((read["text"] ?? "x").dropLast())
            var table = path != nil ? CronTable(fileText: text) : CronTable(crontabOutput: text)
            let original = table
            let header = path ?? (user.map { "crontab for user \"\($0)\"" } ?? "crontab")
            var changed = false
            if env {
                if name.contains(" ") { return .failed("Invalid name for environment variable") }
                let declaration = "\(name)=\"\(job ?? "")\""
                let old = table.findEnv(name)
                if install {
                    if old == nil {
                        do { try table.addEnv(declaration, after: after, before: before) } catch {
                            return .failed("Variable named '\(error.name)' not found.")
                        }
                        changed = true
                    } else if old?.line != declaration {
                        table.updateEnv(name, declaration)
                        changed = true
                    }
                } else if old != nil {
                    table.updateEnv(name, nil)
                    changed = true
                }
            } else if install, let job {
                if job.trimmingCharacters(in: CharacterSet(charactersIn: "\r\n")).contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
                    warnings.append("Job should not contain line breaks")
                }
                let line = CronTable.jobLine(minute: times[0], hour: times[1], day: times[2], month: times[3], weekday: times[4],
                                             job: job, special: special, disabled: context.bool("disabled"),
                                             fileUser: path != nil ? user : nil)
                let old = table.findJob(name, job: line)
                if old.isEmpty { table.addJob(name, line); changed = true }
                if old.count > 1 && (old[1] != line || old.count > 2) { table.updateJob(name, line); changed = true }
            } else if !table.findJob(name).isEmpty {
                table.updateJob(name, nil)
                changed = true
                if let path, table.isEmpty {
                    // The file held nothing else: it goes.
                    var diff: OrderedDictionary<String, Value> = [:]
                    if context.diffMode {
                        diff = ["before": .string(table.existing), "before_header": .string(header), "after": "", "after_header": "/dev/null"]
                    }
                    if !context.checkMode {
                        let removed = try await SystemScript.run("rm -f -- \(ShellWords.quote(path)) && printf 'gone=1\\0'", context: context)
                        changed = removed.flag("gone")
                    }
                    return Self.finish(["changed": .bool(changed), "cron_file": .string(cronFile ?? ""), "state": "absent",
                                        "diff": .dict(diff)], warnings)
                }
            }
            if !changed && !table.existing.isEmpty && !(table.existing.hasSuffix("\n") || table.existing.hasSuffix("\r")) {
                changed = true
            }
            var r: OrderedDictionary<String, Value> = ["jobs": .list(table.jobNames.map(Value.string)),
                                                       "envs": .list(table.envNames.map(Value.string)), "changed": .bool(changed)]
            // A backup is kept only when the table changed: none is made otherwise.
            let backup = context.bool("backup")
            if changed && !context.checkMode {
                let written = try await SystemScript.run(
                    access + "\n" + Self.writeScript(path: path, backup: backup ? original.rendered : nil),
                    context: context, stdin: Data(table.rendered.utf8))
                let outcome = SystemScript.Outcome(written)
                if outcome.failed {
                    return .failed("Failed to install new cronfile: \(written["tmp"] ?? "")",
                                   ["stderr": .string(outcome.stderr), "stdout": .string(outcome.stdout), "rc": .int(outcome.rc)])
                }
                if let file = written["backup"] { r["backup_file"] = .string(file) }
            }
            if changed && context.diffMode {
                r["diff"] = ["before": .string(table.existing), "before_header": .string(header),
                             "after": .string(table.rendered), "after_header": .string(header)]
            }
            if let cronFile { r["cron_file"] = .string(cronFile) }
            return Self.finish(r, warnings)
        } catch let refusal as SystemScript.Refusal {
            return refusal.result
        }
    }

    /// `$_pcrontab`: crontab, with `-u USER` when the user differs from the one running it.
    private static func accessScript(user: String?) -> String {
        let found = #"command -v crontab >/dev/null 2>&1 || _pfail "Failed to find required executable \"crontab\" in paths: $PATH""#
        guard let user else { return found + "\n_pcrontab=crontab" }
        let quoted = ShellWords.quote(user)
        return found + "\n" + #"if [ "$(id -un)" = \#(quoted) ]; then _pcrontab=crontab; else _pcrontab="crontab -u \#(quoted)"; fi"#
    }

    /// Standard input is the new text; a backup holds the table as it was read (Ansible renders
    /// it before editing). Files are written with umask 022, as Ansible's.
    private static func writeScript(path: String?, backup: String?) -> String {
        var s = ["umask 022"]
        if let backup {
            s.append(#"""
                _pbk=$(mktemp "${TMPDIR:-/tmp}/crontabXXXXXXXX") || _pfail "could not create a backup file"
                printf '%s' \#(ShellWords.quote(backup)) > "$_pbk"
                """#)
            s.append(#"printf 'backup=%s\0' "$_pbk""#)
        }
        if let path {
            s.append(#"cat > \#(ShellWords.quote(path)) || _pfail "could not write \#(path)""#)
        } else {
            s.append(#"""
                _ptf=$(mktemp "${TMPDIR:-/tmp}/crontabXXXXXXXX") || _pfail "could not create a temporary file"
                trap 'rm -f -- "$_ptf"' EXIT
                chmod 0666 "$_ptf"; printf 'tmp=%s\0' "$_ptf"
                cat > "$_ptf"
                _prun $_pcrontab "$_ptf"
                """#)
        }
        return s.joined(separator: "\n")
    }

    private static func finish(_ values: OrderedDictionary<String, Value>, _ warnings: [String]) -> TaskResult {
        var r = TaskResult(values)
        if !warnings.isEmpty { r["warnings"] = .list(warnings.map(Value.string)) }
        return r
    }
}
