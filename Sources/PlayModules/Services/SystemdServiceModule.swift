import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `systemd_service` (also `systemd`): a unit's state, enablement and mask through `systemctl`
/// in one round trip (`SystemdScript`), with Ansible's result: `name`, `changed`, `status` (the
/// unit's `systemctl show` properties before any change: `ActiveState`, `SubState`,
/// `UnitFileState`...), and `enabled`/`state` when they were asked for.
public struct SystemdServiceModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "systemd_service", aliases: ["systemd"], arguments: [
        ArgumentSpec("name", .string, aliases: ["service", "unit"]),
        ArgumentSpec("state", .string, choices: ["reloaded", "restarted", "started", "stopped"]),
        ArgumentSpec("enabled", .bool),
        ArgumentSpec("force", .bool),
        ArgumentSpec("masked", .bool),
        ArgumentSpec("daemon_reload", .bool, aliases: ["daemon-reload"], defaultValue: false),
        ArgumentSpec("daemon_reexec", .bool, aliases: ["daemon-reexec"], defaultValue: false),
        ArgumentSpec("scope", .string, choices: ["system", "user", "global"], defaultValue: "system"),
        ArgumentSpec("no_block", .bool, defaultValue: false),
    ], freeForm: .keyValue, requiredOneOf: [["state", "enabled", "masked", "daemon_reload", "daemon_reexec"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let unit = context.string("name")
        for key in ["state", "enabled", "masked"] where context.args[key].map({ !$0.isNull }) == true && unit == nil {
            return .failed("missing parameter(s) required by '\(key)': name")
        }
        if let unit, let glob = ["*", "?", "["].first(where: unit.contains) {
            return .failed("This module does not currently support using glob patterns, found '\(glob)' in service name: \(unit)")
        }
        let plan = SystemdScript(
            unit: unit, state: context.string("state"), enabled: Self.optionalBool(context, "enabled"),
            masked: Self.optionalBool(context, "masked"), force: context.bool("force"),
            daemonReload: context.bool("daemon_reload"), daemonReexec: context.bool("daemon_reexec"),
            scope: context.string("scope") ?? "system", noBlock: context.bool("no_block"), checkMode: context.checkMode)
        let answer = try await context.connection().run(
            CommandRequest(command: plan.script(), environment: context.environment,
                           become: context.become, becomeUser: context.becomeUser))
        return Self.result(ScriptRecords(answer.stdout), answer: answer, unit: unit)
    }

    static func optionalBool(_ context: ModuleContext, _ key: String) -> Bool? {
        guard let v = context.args[key], !v.isNull else { return nil }
        return ValueCoercion.bool(v)
    }

    static func result(_ records: ScriptRecords, answer: CommandResult, unit: String?) -> TaskResult {
        if let failure = records.failure(of: answer) { return failure }
        let status = Value.dict(SystemdShow.parse(records["show"] ?? ""))
        if records.flag("unknown") {
            return .failed("Service is in unknown state", ["status": status])
        }
        guard records["done"] != nil else {
            return .failed("the systemd_service script stopped early on the target: \(answer.stderrText)")
        }
        var out: OrderedDictionary<String, Value> = ["name": unit.map(Value.string) ?? .null,
                                                    "changed": .bool(records.flag("changed")), "status": status]
        if let enabled = records["enabled"] { out["enabled"] = .bool(enabled == "1") }
        if let state = records["state"] { out["state"] = .string(state) }
        let warnings = records.values.keys.filter { $0.hasPrefix("warn") }.sorted().compactMap { records[$0] }
        if !warnings.isEmpty { out["warnings"] = .list(warnings.map(Value.string)) }
        return TaskResult(out)
    }
}
