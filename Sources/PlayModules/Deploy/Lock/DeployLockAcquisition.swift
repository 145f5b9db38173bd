import Foundation
import PlayAWS

/// Taking an app's lock: create it if there is none; take it over if its lease expired (its holder
/// died: nothing renewed it); otherwise refuse at once, or poll until `wait` seconds have passed.
struct DeployLockAcquisition: Sendable {
    let store: DeployLockStore
    let record: DeployLockRecord
    /// Seconds to wait for a held lock; 0 refuses at once.
    let wait: Double
    /// Seconds between looks while waiting.
    var pollInterval: Double = 1

    enum Outcome: Sendable {
        /// Ours, with its ETag; `tookOver` is the expired lock it replaced, `waited` the seconds spent waiting.
        case acquired(etag: String, tookOver: DeployLockRecord?, waited: Double)
        /// Held by another run whose lease is current.
        case refused(holder: DeployLockStore.Current, waited: Double)
    }

    func run(progress: @Sendable (String) -> Void) async throws -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        while true {
            try Task.checkCancellation()
            if let etag = try await store.create(record) {
                return .acquired(etag: etag, tookOver: nil, waited: elapsed())
            }
            guard let current = try await store.read() else { continue } // released in between
            if current.record?.run == record.run {
                // Our own create, answered late and retried by the transport: the lock is ours.
                return .acquired(etag: current.etag, tookOver: nil, waited: elapsed())
            }
            if current.record == nil || current.isExpired() {
                // A dead holder (or an object that is no lock record): replace exactly what was read,
                // so of two runs taking over at once only one wins.
                if let etag = try await store.replace(record, etag: current.etag) {
                    return .acquired(etag: etag, tookOver: current.record, waited: elapsed())
                }
                continue
            }
            let left = wait - elapsed()
            guard left > 0 else { return .refused(holder: current, waited: elapsed()) }
            if let holder = current.record {
                progress("waiting for the deploy lock held by \(holder.user) on \(holder.host) (\(holder.flow)"
                         + "\(holder.version.isEmpty ? "" : " " + holder.version)), \(Int(left)) s left to wait")
            }
            let pause = min(pollInterval, left, max(0.2, current.remaining))
            try await Task.sleep(for: .milliseconds(Int(pause * 1000)))
        }
    }
}
