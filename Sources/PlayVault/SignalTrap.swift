import Foundation
import PlayBase

/// While a scope runs, SIGINT, SIGTERM and SIGHUP do not kill us: they are recorded, a child being
/// waited for (the editor) is asked to stop, and the scope unwinds through its cleanup. Previous
/// dispositions are restored afterwards.
package final class SignalTrap: @unchecked Sendable {
    private let lock = NSLock()
    private var received: Int32?
    private var child: pid_t?

    private init() {}

    /// The first signal received, if any.
    package var receivedSignal: Int32? { lock.withLock { received } }

    package static func with<T>(_ signals: [Int32] = [SIGINT, SIGTERM, SIGHUP],
                                _ body: (SignalTrap) throws(VaultError) -> T) throws(VaultError) -> T {
        let trap = SignalTrap()
        let queue = DispatchQueue(label: "play.vault.signals")
        var previous: [(Int32, __sighandler_t?)] = []
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            previous.append((number, signal(number, SIG_IGN)))
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [trap] in trap.deliver(number, queue: queue) }
            source.resume()
            sources.append(source)
        }
        defer {
            sources.forEach { $0.cancel() }
            for (number, handler) in previous { signal(number, handler) }
        }
        return try body(trap)
    }

    /// Waits for `pid`, stopping it if a signal arrives (or already has).
    package func wait(for pid: pid_t) -> Subprocess.Termination {
        let already = lock.withLock { () -> Bool in
            child = pid
            return received != nil
        }
        if already { kill(pid, SIGTERM) }
        let termination = Subprocess.wait(pid)
        lock.withLock { child = nil }
        return termination
    }

    /// Throws the interruption if a signal arrived.
    package func checkNotInterrupted(_ what: String) throws(VaultError) {
        guard let signal = receivedSignal else { return }
        let name = signal == SIGINT ? "User interrupted execution" : "Interrupted by signal \(signal)"
        throw VaultError(.interrupted, "\(name); \(what)")
    }

    private func deliver(_ number: Int32, queue: DispatchQueue) {
        let pid = lock.withLock { () -> pid_t? in
            if received == nil { received = number }
            return child
        }
        guard let pid else { return }
        kill(pid, SIGTERM)
        // An editor that ignores SIGTERM is killed after a grace period.
        queue.asyncAfter(deadline: .now() + 3) { [self] in
            if lock.withLock({ child == pid }) { kill(pid, SIGKILL) }
        }
    }
}
