import Foundation

/// Samples, every 100 ms on its own thread, how many targets the load balancer routes to, so a
/// test can say the target group was never empty while a deploy ran (and was killed).
final class RoutingWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var samples = 0
    private var fewest = Int.max
    private var emptyAt: [Double] = []
    private let thread: Thread

    init(_ sandbox: DeploySandbox) {
        let started = Date()
        let box = Box()
        thread = Thread {
            while let watcher = box.watcher, watcher.isRunning {
                if let servers = sandbox.routedServers() { watcher.record(servers.count, at: Date().timeIntervalSince(started)) }
                usleep(100_000)
            }
        }
        box.watcher = self
        thread.start()
    }

    private final class Box: @unchecked Sendable {
        weak var watcher: RoutingWatcher?
    }

    private var isRunning: Bool { lock.withLock { running } }

    private func record(_ count: Int, at second: Double) {
        lock.withLock {
            samples += 1
            fewest = min(fewest, count)
            if count == 0 { emptyAt.append(second) }
        }
    }

    /// Stops sampling; returns the number of samples, the fewest routed targets seen, and when
    /// (seconds after the start) none was routed.
    func stop() -> (samples: Int, fewest: Int, emptyAt: [Double]) {
        lock.withLock { running = false }
        usleep(150_000)
        return lock.withLock { (samples, fewest, emptyAt) }
    }
}
