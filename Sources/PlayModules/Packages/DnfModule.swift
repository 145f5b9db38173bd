import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `dnf` (and `yum`, which Ansible 2.19 redirects here): RPM packages through the `dnf` command
/// line in one round trip (`DnfScript`), with Ansible's result: `msg`, `results` ("Installed:
/// name-version-release.arch", "Removed: ..."), `rc`, and `failures` when it fails.
public struct DnfModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "dnf", aliases: ["yum"], arguments: [
        ArgumentSpec("name", .list, aliases: ["pkg"], elements: .string),
        ArgumentSpec("exclude", .list, elements: .string),
        ArgumentSpec("list", .string),
        ArgumentSpec("state", .string, choices: ["absent", "present", "installed", "removed", "latest"]),
        ArgumentSpec("enablerepo", .list, elements: .string),
        ArgumentSpec("disablerepo", .list, elements: .string),
        ArgumentSpec("conf_file", .string),
        ArgumentSpec("disable_gpg_check", .bool, defaultValue: false),
        ArgumentSpec("installroot", .string, defaultValue: "/"),
        ArgumentSpec("releasever", .string),
        ArgumentSpec("autoremove", .bool, defaultValue: false),
        ArgumentSpec("download_only", .bool, defaultValue: false),
        ArgumentSpec("bugfix", .bool, defaultValue: false),
        ArgumentSpec("security", .bool, defaultValue: false),
        ArgumentSpec("enable_plugin", .list, elements: .string),
        ArgumentSpec("disable_plugin", .list, elements: .string),
        ArgumentSpec("disable_excludes", .string),
        ArgumentSpec("validate_certs", .bool, defaultValue: true),
        ArgumentSpec("sslverify", .bool, defaultValue: true),
        ArgumentSpec("allow_downgrade", .bool, defaultValue: false),
        ArgumentSpec("install_repoquery", .bool, defaultValue: true),
        ArgumentSpec("download_dir", .string),
        ArgumentSpec("update_cache", .bool, aliases: ["expire-cache"], defaultValue: false),
        ArgumentSpec("update_only", .bool, defaultValue: false),
        ArgumentSpec("skip_broken", .bool, defaultValue: false),
        ArgumentSpec("nobest", .bool),
        ArgumentSpec("best", .bool),
        ArgumentSpec("lock_timeout", .int, defaultValue: 30),
        ArgumentSpec("install_weak_deps", .bool, defaultValue: true),
        ArgumentSpec("cacheonly", .bool, defaultValue: false),
        ArgumentSpec("allowerasing", .bool, defaultValue: false),
        ArgumentSpec("use_backend", .string, choices: ["auto", "dnf", "dnf4", "dnf5", "yum", "yum4"], defaultValue: "auto"),
    ], freeForm: .keyValue, mutuallyExclusive: [["name", "list"], ["nobest", "best"]],
       requiredOneOf: [["name", "list", "update_cache"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let plan = Self.plan(context)
        let answer = try await context.connection().run(
            CommandRequest(command: plan.script(), environment: context.environment,
                           become: context.become, becomeUser: context.becomeUser))
        return Self.result(ScriptRecords(answer.stdout), answer: answer, checkMode: context.checkMode)
    }

    static func plan(_ context: ModuleContext) -> DnfScript {
        var p = DnfScript()
        let names = (context.list("name") ?? []).map(\.renderedString)
            .flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        p.names = names
        var state = context.string("state") ?? (context.bool("autoremove") && names.isEmpty ? "absent" : "present")
        if state == "installed" { state = "present" }
        if state == "removed" { state = "absent" }
        p.state = state
        p.backend = context.string("use_backend") ?? "auto"
        p.installroot = context.string("installroot") ?? "/"
        p.updateCache = context.bool("update_cache")
        p.autoremove = context.bool("autoremove")
        p.list = context.string("list")
        p.checkMode = context.checkMode
        var o: [String] = []
        if let c = context.string("conf_file") { o += ["-c", c] }
        if let r = context.string("releasever") { o.append("--releasever=\(r)") }
        if context.bool("disable_gpg_check") { o.append("--nogpgcheck") }
        for r in context.list("disablerepo") ?? [] { o.append("--disablerepo=\(r.renderedString)") }
        for r in context.list("enablerepo") ?? [] { o.append("--enablerepo=\(r.renderedString)") }
        for x in context.list("exclude") ?? [] { o.append("--exclude=\(x.renderedString)") }
        if let d = context.string("disable_excludes") { o.append("--disableexcludes=\(d)") }
        for x in context.list("enable_plugin") ?? [] { o.append("--enableplugin=\(x.renderedString)") }
        for x in context.list("disable_plugin") ?? [] { o.append("--disableplugin=\(x.renderedString)") }
        if !context.bool("validate_certs", default: true) || !context.bool("sslverify", default: true) { o.append("--setopt=sslverify=False") }
        if context.bool("skip_broken") { o.append("--skip-broken") }
        if context.bool("nobest") { o.append("--nobest") }
        if context.bool("best") { o.append("--best") }
        if context.bool("cacheonly") { o.append("--cacheonly") }
        if context.bool("allowerasing") { o.append("--allowerasing") }
        if !context.bool("install_weak_deps", default: true) { o.append("--setopt=install_weak_deps=False") }
        if context.bool("bugfix") { o.append("--bugfix") }
        if context.bool("security") { o.append("--security") }
        if context.bool("download_only") { o.append("--downloadonly") }
        if let d = context.string("download_dir") { o.append("--downloaddir=\(d)") }
        o.append("--setopt=exit_on_lock=False")
        p.options = o
        return p
    }

    static func result(_ records: ScriptRecords, answer: CommandResult, checkMode: Bool) -> TaskResult {
        let stderr = records["stderr"] ?? answer.stderrText
        if let message = records["failed"] {
            let failures = (records["failures"] ?? stderr).split(separator: "\n").map(String.init).compactMap(Self.failureLine)
            return .failed(message, ["failures": .list(failures.map(Value.string)), "results": [], "rc": 1])
        }
        if answer.exitCode != 0 || records["action"] == nil {
            return .failed("the dnf script failed on the target (exit \(answer.exitCode))",
                           ["rc": .int(Int(answer.exitCode)), "stderr": .string(answer.stderrText)])
        }
        if records["action"] == "list" || records["action"] == "repos" {
            return TaskResult(["msg": "", "results": .list(Self.listing(records["stdout"] ?? "", repos: records["action"] == "repos"))])
        }
        if records["action"] == "cache" {
            return TaskResult(["msg": "Cache updated", "changed": false, "results": [], "rc": 0])
        }
        var lines: [String]
        if checkMode {
            lines = Self.transaction(records["stdout"] ?? "")
        } else {
            lines = (records["installed"] ?? "").split(separator: "\n").map { "Installed: \($0)" }
            lines += (records["removed"] ?? "").split(separator: "\n").map { "Removed: \($0)" }
        }
        if lines.isEmpty {
            return TaskResult(["msg": "Nothing to do", "changed": false, "results": [], "rc": 0])
        }
        return TaskResult(["msg": .string(checkMode ? "Check mode: No changes made, but would have if not in check mode" : ""),
                           "changed": true, "results": .list(lines.map(Value.string)), "rc": 0])
    }

    /// dnf's complaint about one spec, in Ansible's words where it has them.
    static func failureLine(_ line: String) -> String? {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        for prefix in ["No match for argument: ", "Error: Unable to find a match: "] where text.hasPrefix(prefix) {
            return "No package \(text.dropFirst(prefix.count)) available."
        }
        return text
    }

    /// The "Installed:"/"Removed:" lines of the transaction dnf printed before `--assumeno`
    /// stopped it (the table's name, arch and [epoch:]version-release columns).
    static func transaction(_ output: String) -> [String] {
        var out: [String] = []
        var verb: String?
        for raw in output.split(separator: "\n").map(String.init) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix(":"), !raw.hasPrefix(" ") {
                let head = line.lowercased()
                verb = head.hasPrefix("install") || head.hasPrefix("upgrad") || head.hasPrefix("downgrad") || head.hasPrefix("reinstall")
                    ? "Installed" : head.hasPrefix("remov") || head.hasPrefix("erasing") ? "Removed" : nil
                continue
            }
            if line.hasPrefix("Transaction Summary") || line.isEmpty { verb = nil; continue }
            guard let v = verb, raw.hasPrefix(" ") else { continue }
            let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard f.count >= 3 else { continue }
            out.append("\(v): \(f[0])-\(f[2]).\(f[1])")
        }
        return out
    }

    /// `list:` results as Ansible's: a dictionary a package (`envra`/`nevra` as
    /// `epoch:name-version-release.arch`, `yumstate`), or `repoid`/`state` a repository.
    static func listing(_ output: String, repos: Bool) -> [Value] {
        let lines = output.split(separator: "\n").map(String.init)
        if repos {
            return lines.compactMap { line in
                let words = line.split(separator: " ")
                guard let id = words.first, !(words.count > 1 && id == "repo" && words[1] == "id"),
                      !line.contains("metadata expiration") else { return nil }
                return ["repoid": .string(String(id)), "state": "enabled"]
            }
        }
        return lines.compactMap { line in
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 7 else { return nil }
            let epoch = f[2].isEmpty || f[2] == "(none)" ? "0" : f[2]
            let envra = "\(epoch):\(f[0])-\(f[4])-\(f[3]).\(f[1])"
            let installed = !(f[6].isEmpty || f[6] == "0" || f[6] == "(none)")
            return .dict(["name": .string(f[0]), "arch": .string(f[1]), "epoch": .string(epoch), "release": .string(f[3]),
                          "version": .string(f[4]), "repo": .string(f[5]), "envra": .string(envra), "nevra": .string(envra),
                          "yumstate": installed ? "installed" : "available"])
        }
    }
}
