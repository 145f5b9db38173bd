import Foundation
import PlayAWS
import PlayExecutor
import Synchronization

/// The deploy locks this run holds, each kept alive by a renewal task that rewrites the lock
/// (conditionally on the version it wrote last) every third of the lease. Lives in `RunResources`:
/// when the process dies (SIGKILL included) nothing renews, and the lease runs out. When the run
/// ends with a lock still held (a flow failed or was interrupted before its last task), the run's
/// finisher writes the journal record of the failure and releases the lock.
final class DeployLeases: Sendable {
    static let resourceKey = "deploy.leases"

    struct Held: Sendable {
        var store: DeployLockStore
        var record: DeployLockRecord
        var etag: String
        /// Set when the flow wrote its own journal record.
        var journaled = false
        /// Why renewal stopped, when another run broke or took the lock.
        var lost: String?
    }

    private let held = Mutex<[String: Held]>([:])
    private let renewers = Mutex<[String: Task<Void, Never>]>([:])

    /// The run's leases; the first use registers the end-of-run finisher.
    static func shared(in run: RunResources) -> DeployLeases {
        var created = false
        let leases = run.resource(resourceKey) { () -> DeployLeases in
            created = true
            return DeployLeases()
        }
        if created { run.onFinish { outcome in await leases.finish(outcome) } }
        return leases
    }

    static func id(_ store: DeployLockStore) -> String { "s3://\(store.bucket)/\(store.lockKey)" }

    func lease(for store: DeployLockStore) -> Held? { held.withLock { $0[Self.id(store)] } }

    /// Records a lock just taken and starts renewing it.
    func hold(_ store: DeployLockStore, record: DeployLockRecord, etag: String) {
        let id = Self.id(store)
        held.withLock { $0[id] = Held(store: store, record: record, etag: etag) }
        let interval = max(0.5, Double(record.leaseSeconds) / 3)
        let renewer = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                if Task.isCancelled { return }
                if await !renew(id) { return }
            }
        }
        renewers.withLock { $0[id] = renewer }
    }

    /// One renewal; false when the lock is no longer ours (renewal stops).
    private func renew(_ id: String) async -> Bool {
        guard var lease = held.withLock({ $0[id] }), lease.lost == nil else { return false }
        lease.record.renewed = Date()
        do {
            if let etag = try await lease.store.replace(lease.record, etag: lease.etag) {
                held.withLock { current in
                    current[id]?.etag = etag
                    current[id]?.record.renewed = lease.record.renewed
                }
                return true
            }
            let now = try? await lease.store.read()
            let reason = now?.record.map { "it now belongs to \($0.summary)" } ?? "it was deleted (broken with --tags unlock -e force=yes?)"
            held.withLock { $0[id]?.lost = reason }
            return false
        } catch {
            // A network failure: keep trying; the lease covers two more attempts.
            return true
        }
    }

    /// Marks the flow's journal record as written.
    func markJournaled(_ store: DeployLockStore) {
        held.withLock { $0[Self.id(store)]?.journaled = true }
    }

    /// Stops renewing and deletes the lock if it is still the version this run wrote. Returns the
    /// lease as it was, or nil when this run did not hold it.
    func release(_ store: DeployLockStore) async throws -> (Held, deleted: Bool)? {
        let id = Self.id(store)
        if let renewer = renewers.withLock({ $0.removeValue(forKey: id) }) {
            renewer.cancel()
            await renewer.value
        }
        guard let lease = held.withLock({ $0.removeValue(forKey: id) }) else { return nil }
        if lease.lost != nil { return (lease, false) }
        return (lease, try await lease.store.delete(etag: lease.etag))
    }

    /// End of the run: every lock still held gets its journal record (the failure) and is released.
    private func finish(_ outcome: RunOutcome) async -> [String] {
        let ids = held.withLock { Array($0.keys).sorted() }
        var warnings: [String] = []
        for id in ids {
            guard let lease = held.withLock({ $0[id] }) else { continue }
            let result = outcome.interrupted ? "interrupted" : outcome.anyFailed ? "failed" : "success"
            var notes: [String] = []
            if !lease.journaled {
                let entry = DeployJournalEntry(
                    app: lease.record.app, run: lease.record.run, user: lease.record.user, host: lease.record.host,
                    flow: lease.record.flow, versionFrom: "", versionTo: lease.record.version, result: result,
                    started: lease.record.since, finished: Date(),
                    note: "recorded at the end of the run: the flow stopped before its journal task")
                do {
                    try await lease.store.append(entry)
                    notes.append("journal record written (\(result))")
                } catch {
                    notes.append("the journal record could not be written: \(error)")
                }
            }
            do {
                if let (released, deleted) = try await release(lease.store) {
                    notes.append(deleted ? "lock released"
                                 : "lock not released: \(released.lost ?? "it changed since this run wrote it")")
                }
            } catch {
                notes.append("the lock could not be released (\(error)); it expires \(lease.record.leaseSeconds) s after its last renewal")
            }
            warnings.append("deploy lock of \(lease.record.app) still held when the run ended (\(result)): "
                            + notes.joined(separator: "; "))
        }
        return warnings
    }
}
