import XCTest
import PlayApp
@testable import PlayExecutor

final class PlayExitCodeTests: XCTestCase {
    private func outcome(interrupted: Bool = false, failed: Bool = false, unreachable: Bool = false) -> RunOutcome {
        RunOutcome(stats: [:], interrupted: interrupted, anyFailed: failed, anyUnreachable: unreachable)
    }

    func testARunsCodeIsAnsiblePlaybooks() {
        XCTAssertEqual(PlayExitCode.of(outcome()), 0)
        XCTAssertEqual(PlayExitCode.of(outcome(failed: true)), 2)
        XCTAssertEqual(PlayExitCode.of(outcome(unreachable: true)), 4)
        XCTAssertEqual(PlayExitCode.of(outcome(interrupted: true)), 99)
    }

    func testInterruptionOutranksUnreachableWhichOutranksFailure() {
        XCTAssertEqual(PlayExitCode.of(outcome(failed: true, unreachable: true)), 4)
        XCTAssertEqual(PlayExitCode.of(outcome(interrupted: true, failed: true, unreachable: true)), 99)
    }
}
