import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `apk` (community.general.apk): Alpine packages. A facts script reads the world file and what
/// `apk info`/`apk version` say of each package; `ApkPlan` decides the one `apk` command; a
/// second command runs it. Results as the collection's: `msg`, `packages`, `stdout`, `stderr`.
public struct ApkModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "apk", aliases: ["community.general.apk"], arguments: [
        ArgumentSpec("state", .string, choices: ["present", "installed", "absent", "removed", "latest"], defaultValue: "present"),
        ArgumentSpec("name", .list, elements: .string),
        ArgumentSpec("no_cache", .bool, defaultValue: false),
        ArgumentSpec("repository", .list, elements: .string),
        ArgumentSpec("update_cache", .bool, defaultValue: false),
        ArgumentSpec("upgrade", .bool, defaultValue: false),
        ArgumentSpec("available", .bool, defaultValue: false),
        ArgumentSpec("world", .string, defaultValue: "/etc/apk/world"),
    ], freeForm: .keyValue, mutuallyExclusive: [["name", "upgrade"]], requiredOneOf: [["name", "update_cache", "upgrade"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let names = (context.list("name") ?? []).map(\.renderedString)
        if names.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            return .failed("Package name(s) cannot be empty or whitespace-only")
        }
        var plan = ApkPlan()
        let state = context.string("state") ?? "present"
        plan.state = state == "installed" ? "present" : state == "removed" ? "absent" : state
        plan.names = names
        plan.updateCache = context.bool("update_cache")
        plan.upgrade = context.bool("upgrade")
        plan.available = context.bool("available")
        plan.noCache = context.bool("no_cache")
        plan.repositories = (context.list("repository") ?? []).map(\.renderedString)
        plan.world = context.string("world") ?? "/etc/apk/world"
        plan.checkMode = context.checkMode
        let connection = try await context.connection()
        func run(_ script: String) async throws -> (ScriptRecords, CommandResult) {
            let answer = try await connection.run(CommandRequest(command: script, environment: context.environment,
                                                                 become: context.become, becomeUser: context.becomeUser))
            return (ScriptRecords(answer.stdout), answer)
        }
        let (records, answer) = try await run(plan.factsScript())
        if let message = records["failed"] {
            return .failed(message, ["stdout": .string(records["stdout"] ?? ""), "stderr": .string(records["stderr"] ?? "")])
        }
        guard records["done"] != nil else {
            return .failed("the apk facts script failed on the target (exit \(answer.exitCode)): \(answer.stderrText)")
        }
        switch plan.step(plan.facts(records)) {
        case let .done(changed, message):
            var out: OrderedDictionary<String, Value> = ["changed": .bool(changed), "msg": .string(message)]
            if let stdout = records["update_stdout"], plan.names.isEmpty { out["stdout"] = .string(stdout); out["stderr"] = "" }
            return TaskResult(out)
        case let .run(command, message, failure, verify):
            var script = PackageScript.prelude + "\nexport LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C\n"
                + "_prun \(PackageScript.words(command)); _rec rc $_prc\n"
            for name in verify {
                script += "\(PackageScript.words(plan.base)) -v info --installed \(ShellWords.quote(name)) >/dev/null 2>&1 && _rec rc 1\n"
            }
            script += "_pdone"
            let (out, runAnswer) = try await run(script)
            let stdout = out["stdout"] ?? runAnswer.stdoutText
            var result: OrderedDictionary<String, Value> = [
                "changed": true, "msg": .string(message), "stdout": .string(stdout),
                "stderr": .string(out["stderr"] ?? runAnswer.stderrText),
                "packages": .list(ApkPlan.packages(in: stdout).map(Value.string))]
            if out["rc"] != "0" {
                result["changed"] = false
                return .failed(failure, result)
            }
            if plan.upgrade, stdout.hasPrefix("OK") {
                result["changed"] = false
                result["msg"] = "packages already upgraded"
            }
            return TaskResult(result)
        }
    }
}
