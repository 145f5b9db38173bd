import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `deploy_journal`: the record of each run that changed a fleet, in the lock's store.
/// - `state: present` appends this run's record (who, when and since when from the lock this run
///   holds; the flow, versions and instances from the arguments).
/// - `state: query` returns the newest `limit` records, newest first (`records`, and `lines` to print).
/// In check mode nothing is appended.
public struct DeployJournalModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "deploy_journal", arguments: DeployLockModule.storeArguments + [
        ArgumentSpec("state", .string, choices: ["present", "query"], defaultValue: "present"),
        ArgumentSpec("flow", .string, defaultValue: "deploy"),
        ArgumentSpec("version_from", .raw),
        ArgumentSpec("version_to", .raw),
        ArgumentSpec("launched", .list, defaultValue: .list([]), elements: .string),
        ArgumentSpec("registered", .list, defaultValue: .list([]), elements: .string),
        ArgumentSpec("stopped", .list, defaultValue: .list([]), elements: .string),
        ArgumentSpec("result", .string, defaultValue: "success"),
        ArgumentSpec("note", .string, defaultValue: ""),
        ArgumentSpec("limit", .int, defaultValue: 10),
    ])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let store = try await DeployLockModule.store(context)
            return try await AWSModuleError.wrapping("the deploy journal s3://\(store.bucket)/\(store.journalPrefix)*") {
                context.string("state") == "query" ? try await query(store, context) : try await append(store, context)
            }
        }
    }

    private func append(_ store: DeployLockStore, _ context: ModuleContext) async throws -> TaskResult {
        let leases = DeployLeases.shared(in: context.run)
        let lease = leases.lease(for: store)
        let started = lease?.record.since ?? Date()
        let me = lease?.record ?? DeployLockRecord.mine(app: store.app, flow: "", version: "", leaseSeconds: 0)
        func ids(_ key: String) -> [String] { (context.list(key) ?? []).map(\.renderedString).filter { !$0.isEmpty } }
        func version(_ key: String) -> String {
            guard let value = context.args[key], !value.isNull else { return "" }
            if let list = value.listValue { return list.map(\.renderedString).joined(separator: ", ") }
            return value.renderedString
        }
        let entry = DeployJournalEntry(
            app: store.app, run: me.run, user: me.user, host: me.host, flow: context.string("flow") ?? "deploy",
            versionFrom: version("version_from"), versionTo: version("version_to"), launched: ids("launched"),
            registered: ids("registered"), stopped: ids("stopped"), result: context.string("result") ?? "success",
            started: started, finished: Date(), note: context.string("note") ?? "")
        if context.checkMode {
            return .ok(changed: false, ["record": entry.value, "msg": .string("check mode: would record \(entry.line)")])
        }
        let key = try await store.append(entry)
        if lease != nil { leases.markJournaled(store) }
        // The journal is bookkeeping, not a change to the fleet.
        return .ok(changed: false, ["record": entry.value, "key": .string(key), "msg": .string("recorded: \(entry.line)")])
    }

    private func query(_ store: DeployLockStore, _ context: ModuleContext) async throws -> TaskResult {
        let limit = max(1, min(context.int("limit") ?? 10, 1000))
        let entries = try await store.recent(limit: limit)
        let lines = entries.map(\.line)
        return .ok(changed: false, [
            "records": .list(entries.map(\.value)),
            "lines": .list(lines.map(Value.string)),
            "msg": .string(entries.isEmpty ? "no journal records for \(store.app)"
                           : "the \(entries.count) most recent runs of \(store.app), newest first"),
        ])
    }
}
