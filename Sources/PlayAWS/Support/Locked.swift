import Foundation

/// A value guarded by a lock, for the few bits of shared mutable state (counters, session caches).
/// `Synchronization.Mutex` would do, but it needs macOS 15 and the package targets macOS 13.
final class Locked<State>: @unchecked Sendable {
    private let lock = NSLock()
    private var state: State

    init(_ state: State) { self.state = state }

    func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
}
