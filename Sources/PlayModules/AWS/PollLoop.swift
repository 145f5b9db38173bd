import Foundation
import PlayAWS

/// The clock of a wait: a deadline, a poll interval of 1 s that grows to 2 s on long waits (as
/// DESIGN.md asks: AWS's time, not ours) and backs off further while AWS throttles.
struct PollLoop {
    let timeout: Double
    private var interval: Double
    private let baseInterval: Double
    private let start = ContinuousClock.now
    private(set) var polls = 0

    init(timeout: Double, interval: Double = 1) {
        self.timeout = max(0, timeout)
        self.interval = interval
        self.baseInterval = interval
    }

    var elapsed: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    var timedOut: Bool { elapsed >= timeout }

    /// "(3s of 300s)" for progress lines.
    var progressSuffix: String { "(\(Int(elapsed))s of \(Self.seconds(timeout))s)" }

    /// Sleeps until the next poll, never past the deadline.
    mutating func pause() async throws {
        polls += 1
        if polls == 30 && baseInterval < 2 { interval = max(interval, 2) }
        let wait = min(interval, max(0, timeout - elapsed))
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
    }

    /// Called when a poll was throttled even after the session's retries: wait longer before the next.
    mutating func backOff() {
        interval = min(interval * 2, 10)
    }

    /// Runs one poll; a throttling error backs off and yields nil instead of failing the wait.
    mutating func poll<T>(_ body: () async throws -> T) async throws -> T? {
        do {
            return try await body()
        } catch let error as AWSError where error.isThrottling {
            backOff()
            return nil
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
