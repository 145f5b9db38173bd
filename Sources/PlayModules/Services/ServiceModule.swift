import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `service`: a service through the host's init system. Like Ansible's action, it follows the
/// `ansible_service_mgr` fact when facts were gathered (or `use:`); otherwise the script decides
/// on the target in the same round trip: systemd when it is running (`/run/systemd/system`),
/// then `systemd_service`'s logic and result; else `rc-service`, `service` or the init script.
public struct ServiceModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "service", arguments: [
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("state", .string, choices: ["started", "stopped", "reloaded", "restarted"]),
        ArgumentSpec("sleep", .int),
        ArgumentSpec("pattern", .string),
        ArgumentSpec("enabled", .bool),
        ArgumentSpec("runlevel", .string, defaultValue: "default"),
        ArgumentSpec("arguments", .string, aliases: ["args"], defaultValue: ""),
        ArgumentSpec("use", .string, defaultValue: "auto"),
    ], freeForm: .keyValue, requiredOneOf: [["state", "enabled"]])

    /// Init systems `service` hands to systemd_service, and those its own script drives.
    static let systemdManagers: Set<String> = ["systemd"]

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let name = context.string("name") ?? ""
        let state = context.string("state")
        let enabled = SystemdServiceModule.optionalBool(context, "enabled")
        let systemd = SystemdScript(unit: name, state: state, enabled: enabled, checkMode: context.checkMode)
        let sysv = SysVServiceScript(
            name: name, state: state, enabled: enabled, pattern: context.string("pattern"), sleep: context.int("sleep"),
            runlevel: context.string("runlevel") ?? "default", arguments: context.string("arguments") ?? "",
            checkMode: context.checkMode)
        var manager = context.string("use") ?? "auto"
        if manager == "auto" {
            manager = Self.factManager(context.variables) ?? "auto"
        }
        let script: String
        switch manager {
        case "auto":
            script = """
                if [ -d /run/systemd/system ]; then
                printf 'backend=systemd\\0'
                \(systemd.script())
                else
                printf 'backend=sysv\\0'
                \(sysv.script())
                fi
                """
        case _ where Self.systemdManagers.contains(manager):
            script = "printf 'backend=systemd\\0'\n" + systemd.script()
        default:
            script = "printf 'backend=sysv\\0'\n" + sysv.script()
        }
        let answer = try await context.connection().run(
            CommandRequest(command: script, environment: context.environment,
                           become: context.become, becomeUser: context.becomeUser))
        let records = ScriptRecords(answer.stdout)
        if records["backend"] == "systemd" {
            var result = SystemdServiceModule.result(records, answer: answer, unit: name)
            let ignored = ["sleep", "pattern", "runlevel", "arguments"].filter { key in
                context.args[key].map { !$0.isNull && $0 != Self.defaults[key] } ?? false
            }
            if !ignored.isEmpty {
                let notes = ignored.map { Value.string("Ignoring \"\($0)\" as it is not used in \"systemd\"") }
                result["warnings"] = .list((result["warnings"]?.listValue ?? []) + notes)
            }
            return result
        }
        return Self.sysvResult(records, answer: answer, name: name, state: state, enabled: enabled)
    }

    private static let defaults: [String: Value] = ["runlevel": "default", "arguments": ""]

    /// The `service_mgr` fact when facts were gathered for the host.
    static func factManager(_ variables: TaskVariables) -> String? {
        if let facts = variables.lookup("ansible_facts")?.dictValue, let m = facts["service_mgr"]?.stringValue { return m }
        return variables.lookup("ansible_service_mgr")?.stringValue
    }

    static func sysvResult(_ records: ScriptRecords, answer: CommandResult, name: String, state: String?,
                           enabled: Bool?) -> TaskResult {
        if let failure = records.failure(of: answer) { return failure }
        guard records["done"] != nil else {
            return .failed("the service script stopped early on the target: \(answer.stderrText)")
        }
        if records.flag("checkchanged") {
            return TaskResult(["changed": true, "msg": "service state changed"])
        }
        // Ansible's key order: name, enabled, state as they are set, changed last.
        var out: OrderedDictionary<String, Value> = ["name": .string(name)]
        if let enabled { out["enabled"] = .bool(enabled) }
        if let state { out["state"] = .string(state == "stopped" ? "stopped" : "started") }
        out["changed"] = .bool(records.flag("changed"))
        return TaskResult(out)
    }
}
