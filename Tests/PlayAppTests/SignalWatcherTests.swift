import Foundation
import PlayExecutor
import Synchronization
import XCTest
@testable import PlayApp

/// Real signals sent to this test process: the watcher ignores their default action, so they
/// cannot end it, and the second one must reach the callback (the library never exits).
final class SignalWatcherTests: XCTestCase {
    func testTheFirstSignalRaisesTheFlagAndTheSecondCallsBack() throws {
        let interrupt = InterruptFlag()
        let repeats = Atomic<Int>(0)
        let repeated = expectation(description: "second signal")
        let watcher = SignalWatcher(interrupt: interrupt) {
            repeats.add(1, ordering: .relaxed)
            repeated.fulfill()
        }
        defer { watcher.stop() }

        kill(getpid(), SIGINT)
        let deadline = Date().addingTimeInterval(10)
        while !interrupt.isRaised && Date() < deadline { usleep(10_000) }
        XCTAssertTrue(interrupt.isRaised)
        XCTAssertEqual(repeats.load(ordering: .relaxed), 0)

        kill(getpid(), SIGTERM)
        wait(for: [repeated], timeout: 10)
        XCTAssertEqual(repeats.load(ordering: .relaxed), 1)
    }
}
