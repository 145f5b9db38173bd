import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage
import PlayTemplating

/// `apt`: Debian packages through `apt-get`, `apt-cache`, `dpkg-query` and `dpkg` in one round
/// trip (`AptScript`), with Ansible's arguments and result: `cache_updated`,
/// `cache_update_time`, the commands' `stdout`/`stderr`, and with `--diff` the `prepared`
/// transaction apt printed.
public struct AptModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "apt", arguments: [
        ArgumentSpec("name", .list, aliases: ["package", "pkg"], elements: .string),
        ArgumentSpec("state", .string, choices: ["absent", "build-dep", "fixed", "latest", "present"], defaultValue: "present"),
        ArgumentSpec("update_cache", .bool, aliases: ["update-cache"]),
        ArgumentSpec("update_cache_retries", .int, defaultValue: 5),
        ArgumentSpec("update_cache_retry_max_delay", .int, defaultValue: 12),
        ArgumentSpec("cache_valid_time", .int, defaultValue: 0),
        ArgumentSpec("purge", .bool, defaultValue: false),
        ArgumentSpec("deb", .path),
        ArgumentSpec("default_release", .string, aliases: ["default-release"]),
        ArgumentSpec("install_recommends", .bool, aliases: ["install-recommends"]),
        ArgumentSpec("force", .bool, defaultValue: false),
        ArgumentSpec("upgrade", .string, choices: ["dist", "full", "no", "safe", "yes"], defaultValue: "no"),
        ArgumentSpec("dpkg_options", .string, defaultValue: "force-confdef,force-confold"),
        ArgumentSpec("autoremove", .bool, defaultValue: false),
        ArgumentSpec("autoclean", .bool, defaultValue: false),
        ArgumentSpec("fail_on_autoremove", .bool, defaultValue: false),
        ArgumentSpec("policy_rc_d", .int),
        ArgumentSpec("only_upgrade", .bool, defaultValue: false),
        ArgumentSpec("force_apt_get", .bool, defaultValue: false),
        ArgumentSpec("clean", .bool, defaultValue: false),
        ArgumentSpec("allow_unauthenticated", .bool, aliases: ["allow-unauthenticated"], defaultValue: false),
        ArgumentSpec("allow_downgrade", .bool, aliases: ["allow-downgrade", "allow_downgrades", "allow-downgrades"], defaultValue: false),
        ArgumentSpec("allow_change_held_packages", .bool, defaultValue: false),
        ArgumentSpec("lock_timeout", .int, defaultValue: 60),
        ArgumentSpec("auto_install_module_deps", .bool, defaultValue: true),
    // Ansible also names a required_one_of group, which `upgrade`'s default always satisfies.
    ], freeForm: .keyValue, mutuallyExclusive: [["deb", "name", "upgrade"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let plan: AptScript
        do { plan = try Self.plan(context) } catch let problem as PackageArgumentProblem { return .failed(problem.message) }
        let answer = try await context.connection().run(
            CommandRequest(command: plan.script(), environment: context.environment,
                           become: context.become, becomeUser: context.becomeUser))
        return Self.result(ScriptRecords(answer.stdout), answer: answer, plan: plan, diff: context.diffMode)
    }

    static func plan(_ context: ModuleContext) throws(PackageArgumentProblem) -> AptScript {
        var p = AptScript()
        p.state = context.string("state") ?? "present"
        p.packages = PackageSpec.list((context.list("name") ?? []).map(\.renderedString))
        if let bad = p.packages.first(where: { $0.version?.contains("=") == true }) {
            throw PackageArgumentProblem("invalid package spec: \(bad.name)=\(bad.version ?? "")")
        }
        p.deb = context.string("deb")
        if p.deb != nil, p.state != "present" { throw PackageArgumentProblem("deb only supports state=present") }
        p.updateCache = context.bool("update_cache")
        p.cacheValidTime = context.int("cache_valid_time") ?? 0
        p.updateCacheRetries = max(1, context.int("update_cache_retries") ?? 5)
        p.updateCacheRetryMaxDelay = context.int("update_cache_retry_max_delay") ?? 12
        p.purge = context.bool("purge")
        p.force = context.bool("force")
        p.autoremove = context.bool("autoremove")
        p.autoclean = context.bool("autoclean")
        p.clean = context.bool("clean")
        p.failOnAutoremove = context.bool("fail_on_autoremove")
        p.onlyUpgrade = context.bool("only_upgrade")
        p.installRecommends = context.args["install_recommends"].flatMap { $0.isNull ? nil : ValueCoercion.bool($0) }
        p.allowDowngrade = context.bool("allow_downgrade")
        p.allowUnauthenticated = context.bool("allow_unauthenticated")
        p.allowChangeHeldPackages = context.bool("allow_change_held_packages")
        p.defaultRelease = context.string("default_release")
        p.upgrade = context.string("upgrade") ?? "no"
        if p.state == "latest", p.packages.contains(where: { $0.name == "*" }), p.packages.count > 1 {
            throw PackageArgumentProblem("unable to install additional packages when upgrading all installed packages")
        }
        p.dpkgOptions = context.string("dpkg_options") ?? p.dpkgOptions
        p.lockTimeout = context.int("lock_timeout") ?? 60
        p.policyRcD = context.int("policy_rc_d")
        p.checkMode = context.checkMode
        return p
    }

    /// Ansible's result for what the script printed: `changed`, the apt output when a command
    /// ran, the cache keys except after a removal (Ansible leaves them out there too).
    static func result(_ records: ScriptRecords, answer: CommandResult, plan: AptScript, diff: Bool) -> TaskResult {
        let stdout = records["stdout"] ?? ""
        let stderr = records["stderr"] ?? answer.stderrText
        var out: OrderedDictionary<String, Value> = [:]
        if let message = records["failed"] {
            out["stdout"] = .string(stdout)
            out["stderr"] = .string(stderr)
            if let rc = records["rc"].flatMap(Int.init) { out["rc"] = .int(rc) }
            return .failed(message, out)
        }
        if answer.exitCode != 0 || records["action"] == nil && records["cache_updated"] == nil {
            return .failed("the apt script failed on the target (exit \(answer.exitCode))",
                           ["rc": .int(Int(answer.exitCode)), "stdout": .string(answer.stdoutText), "stderr": .string(answer.stderrText)])
        }
        let cacheUpdated = records.flag("cache_updated")
        let cacheKeys: OrderedDictionary<String, Value> = [
            "cache_updated": .bool(cacheUpdated), "cache_update_time": .int(Int(records["cache_update_time"] ?? "") ?? 0)]
        let changed = records.flag("changed")
        let action = records["action"]
        out["changed"] = .bool(changed)
        if records["cmd"] != nil || action == "deb" || action == "upgrade" {
            if action == "upgrade" || action == "clean" { out["msg"] = .string(stdout) }
            out["stdout"] = .string(stdout)
            out["stderr"] = .string(stderr)
            if records["cmd"] != nil { out["diff"] = diff ? .dict(["prepared": .string(preparedDiff(stdout))]) : .dict([:]) }
        }
        switch action {
        case nil:
            // Only the cache was asked for.
            var cacheOnly: OrderedDictionary<String, Value> = ["changed": .bool(cacheUpdated)]
            cacheOnly.merge(cacheKeys) { $1 }
            return TaskResult(cacheOnly)
        case "install":
            out.merge(cacheKeys) { $1 }
        default:
            break
        }
        if let text = out["stdout"]?.stringValue {
            out["stdout_lines"] = PythonFormat.lines(text)
            out["stderr_lines"] = PythonFormat.lines(stderr)
        }
        return TaskResult(out)
    }

    /// The transaction part of apt's output: after "Reading state information..." up to the
    /// "N upgraded, ..." line.
    static func preparedDiff(_ output: String) -> String {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = (lines.firstIndex(of: "Resolving dependencies...") ?? lines.firstIndex(of: "Reading state information...")).map { $0 + 1 } ?? 0
        let end = lines.firstIndex { $0.range(of: #"^[0-9]+ (packages )?upgraded"#, options: .regularExpression) != nil }.map { $0 + 1 } ?? lines.count
        return start < end ? lines[start..<end].joined(separator: "\n") : ""
    }
}

/// A package module's argument combination that Ansible rejects at run time.
struct PackageArgumentProblem: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}
