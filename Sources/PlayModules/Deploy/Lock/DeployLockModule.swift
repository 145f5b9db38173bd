import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `deploy_lock`: the lease lock a flow that changes a fleet takes for its app before it changes
/// anything, kept in S3 so operators on other machines see it (`DeployLockStore`).
///
/// - `state: locked` takes it: at once, after waiting up to `wait` seconds for its holder, or by
///   taking over a lease its holder stopped renewing; held by another live run, the task fails
///   with the holder's record. The lock is renewed in the background while the run lasts.
/// - `state: unlocked` releases the lock this run holds.
/// - `state: broken` deletes the lock whoever holds it, with `force: true` only, and says loudly
///   whose lock it broke (a journal record keeps it too).
/// - `state: query` only reads it.
/// In check mode nothing is written: the task reports who holds the lock.
public struct DeployLockModule: Module {
    public init() {}

    /// Where the lock and journal are: the arguments `deploy_lock` and `deploy_journal` share.
    static let storeArguments: [ArgumentSpec] = [
        ArgumentSpec("app", .string, required: true),
        ArgumentSpec("bucket", .string, required: true),
        ArgumentSpec("prefix", .string, defaultValue: .string(DeployLockStore.defaultPrefix)),
    ] + AWSArguments.specs

    public let spec = ModuleSpec(groups: ["aws"], name: "deploy_lock", arguments: DeployLockModule.storeArguments + [
        ArgumentSpec("state", .string, choices: ["locked", "unlocked", "broken", "query"], defaultValue: "locked"),
        ArgumentSpec("flow", .string, defaultValue: "deploy"),
        ArgumentSpec("version", .string, defaultValue: ""),
        ArgumentSpec("lease", .int, defaultValue: 300),
        ArgumentSpec("wait", .float, defaultValue: 0),
        ArgumentSpec("force", .bool, defaultValue: false),
    ])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let store = try await Self.store(context)
            let what = "the deploy lock s3://\(store.bucket)/\(store.lockKey)"
            return try await AWSModuleError.wrapping("reading or writing \(what)") {
                switch context.string("state") ?? "locked" {
                case "unlocked": return try await unlock(store, context)
                case "broken": return try await breakLock(store, context)
                case "query": return try await query(store)
                default: return try await lock(store, context)
                }
            }
        }
    }

    static func store(_ context: ModuleContext) async throws -> DeployLockStore {
        guard let app = context.string("app"), DeployLockStore.isValidApp(app) else {
            throw AWSModuleError("app must be a name of letters, digits, '.', '_' and '-' (got '\(context.string("app") ?? "")')")
        }
        guard let bucket = context.string("bucket"), !bucket.isEmpty else {
            throw AWSModuleError("bucket is required: the S3 bucket that keeps the deploy locks and journal "
                + "(the playbooks use lock_bucket, else build_bucket)")
        }
        let prefix = (context.string("prefix") ?? DeployLockStore.defaultPrefix).trimmingCharacters(in: CharacterSet(charactersIn: "/-"))
        return DeployLockStore(s3: try await context.awsSession().s3, bucket: bucket,
                               prefix: prefix.isEmpty ? DeployLockStore.defaultPrefix : prefix, app: app)
    }

    private func lock(_ store: DeployLockStore, _ context: ModuleContext) async throws -> TaskResult {
        let leases = DeployLeases.shared(in: context.run)
        if let mine = leases.lease(for: store) {
            return .ok(changed: false, ["lock": mine.record.value, "msg": .string("this run already holds the lock: \(mine.record.summary)")])
        }
        if context.checkMode {
            let current = try await store.read()
            let holder = current.flatMap { $0.isExpired() ? nil : $0.record }
            return .ok(changed: false, [
                "lock": holder?.value ?? .null,
                "msg": .string("check mode: no lock taken; " + (holder.map { "it is held by \($0.summary)" } ?? "it is free")),
            ])
        }
        let lease = max(2, context.int("lease") ?? 300)
        let record = DeployLockRecord.mine(app: store.app, flow: context.string("flow") ?? "deploy",
                                           version: context.string("version") ?? "", leaseSeconds: lease)
        let acquisition = DeployLockAcquisition(store: store, record: record, wait: max(0, context.double("wait") ?? 0))
        switch try await acquisition.run(progress: context.progress) {
        case .acquired(let etag, let tookOver, let waited):
            leases.hold(store, record: record, etag: etag)
            var message = "lock taken: \(record.summary)"
            if waited >= 1 { message += "; waited \(Int(waited)) s" }
            var data: OrderedDictionary<String, Value> = ["lock": record.value, "waited": .double((waited * 10).rounded() / 10)]
            if let tookOver {
                message += "; took over the expired lease of \(tookOver.summary)"
                data["took_over"] = tookOver.value
                // The dead run wrote no record of its own: the journal keeps its last sign of life.
                let entry = DeployJournalEntry(
                    app: store.app, run: tookOver.run, user: tookOver.user, host: tookOver.host, flow: tookOver.flow,
                    versionFrom: "", versionTo: tookOver.version, result: "died", started: tookOver.since,
                    finished: tookOver.renewed, playVersion: "unknown",
                    note: "its lease expired unrenewed; lock taken over by \(record.user)@\(record.host) (pid \(record.pid))")
                try? await store.append(entry)
            }
            data["msg"] = .string(message)
            // A lock is no change to the fleet: reruns that change nothing stay changed=0.
            return .ok(changed: false, data)
        case .refused(let holder, let waited):
            let who = holder.record?.summary ?? "an object that is not a lock record"
            let waitedText = waited >= 1 ? " after waiting \(Int(waited)) s" : ""
            return .failed(
                "\(store.app) is locked\(waitedText), nothing was changed: \(who). The lease ends in "
                    + "\(Int(holder.remaining.rounded(.up))) s unless its holder renews it. Wait for that run with "
                    + "-e lock_wait=SECONDS, or, if it is dead and cannot be waited for, break the lock with "
                    + "--tags unlock -e force=yes.",
                ["lock": holder.record?.value ?? .null, "locked": true])
        }
    }

    private func unlock(_ store: DeployLockStore, _ context: ModuleContext) async throws -> TaskResult {
        guard !context.checkMode else { return .ok(changed: false, ["msg": "check mode: no lock to release"]) }
        guard let (lease, deleted) = try await DeployLeases.shared(in: context.run).release(store) else {
            return .ok(changed: false, ["msg": .string("this run holds no lock of \(store.app)")])
        }
        if deleted { return .ok(changed: false, ["lock": lease.record.value, "msg": .string("lock of \(store.app) released")]) }
        return .failed("the lock of \(store.app) was no longer this run's when it ended: "
                       + (lease.lost ?? "it changed since this run last wrote it")
                       + "; another run may have changed the fleet meanwhile: check it (--tags history)")
    }

    private func query(_ store: DeployLockStore) async throws -> TaskResult {
        guard let current = try await store.read() else {
            return .ok(changed: false, ["locked": false, "lock": .null, "msg": .string("\(store.app) is not locked")])
        }
        let expired = current.isExpired()
        return .ok(changed: false, [
            "locked": .bool(!expired), "expired": .bool(expired), "lock": current.record?.value ?? .null,
            "msg": .string("\(store.app) " + (expired ? "has an expired lock: " : "is locked: ")
                           + (current.record?.summary ?? "an object that is not a lock record")),
        ])
    }

    private func breakLock(_ store: DeployLockStore, _ context: ModuleContext) async throws -> TaskResult {
        guard let current = try await store.read() else {
            return .ok(changed: false, ["msg": .string("\(store.app) is not locked: nothing to break")])
        }
        let who = current.record?.summary ?? "an object that is not a lock record"
        guard context.bool("force") else {
            return .failed("\(store.app) is locked by \(who). Breaking a lock lets a second run change the fleet while the "
                           + "first may still be changing it: make sure that run is dead, then run again with -e force=yes.",
                           ["lock": current.record?.value ?? .null])
        }
        if context.checkMode {
            return .ok(changed: true, ["lock": current.record?.value ?? .null, "msg": .string("check mode: would break the lock of \(who)")])
        }
        guard try await store.delete(etag: current.etag) else {
            return .failed("the lock of \(store.app) changed while it was being broken (its holder renewed or released it); run again")
        }
        let me = DeployLockRecord.mine(app: store.app, flow: "unlock", version: "", leaseSeconds: 0)
        var note = "lock broken with force"
        if let holder = current.record { note += "; it was held by \(holder.summary)" }
        let entry = DeployJournalEntry(app: store.app, run: me.run, user: me.user, host: me.host, flow: "unlock",
                                       versionFrom: "", versionTo: current.record?.version ?? "", result: "lock broken",
                                       started: me.since, finished: Date(), note: note)
        var message = "LOCK BROKEN: the deploy lock of \(store.app) held by \(who) was deleted by \(me.user) on \(me.host). "
            + "If that run is still alive it goes on changing the fleet without a lock; check the fleet before the next deploy."
        do {
            try await store.append(entry)
        } catch {
            message += " (the journal record of this could not be written: \(error))"
        }
        return .ok(changed: true, ["lock": current.record?.value ?? .null, "msg": .string(message), "broken": true])
    }
}
