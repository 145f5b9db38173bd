import XCTest
import PlayBase
import PlayLanguage
@testable import PlayExecutor

/// Failure bookkeeping: rescue, unreachable hosts, any_errors_fatal, max_fail_percentage and
/// all hosts failing.
final class PlaySchedulerFailureTests: XCTestCase {
    private var f = SchedulerFixture()

    func testFailedHostLeavesThePlayAndIsCounted() {
        let sections = [f.block([f.task("t1"), f.task("t2")]), f.block([f.task("t3")])]
        var s = SchedulerFixture.scheduler(sections, hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.failing = ["t1@a"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), ["batch 0: a,b", "task t1: a,b", "task t2: b", "task t3: b", "end"])
        XCTAssertEqual(s.bookkeeping.failed, ["a"])
        XCTAssertEqual(counters(s, "a"), [0, 0, 0, 1, 0, 0, 0])
        XCTAssertEqual(counters(s, "b"), [3, 0, 0, 0, 0, 0, 0])
    }

    func testRescuedFailureCountsAsRescuedAndTheHostGoesOn() {
        let inner = f.block([f.task("x"), f.task("y")], rescue: [f.task("r")], always: [f.task("al")])
        var s = SchedulerFixture.scheduler([f.block([.block(inner), f.task("after")])], hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.failing = ["x@a"]
        var log: [String] = []
        var rescued: [String] = []
        while true {
            let d = s.nextDecision { _, _, _, _ in false }
            guard case .runTask(let t, let hosts, _) = d else {
                if case .endPlay = d { break }
                continue
            }
            log.append("\(t.displayName): \(hosts.joined(separator: ","))")
            rescued += s.report(hosts.map { SchedulerFixture.report(t.displayName, host: $0, world) })
        }
        XCTAssertEqual(log, ["x: a,b", "y: b", "r: a", "al: a,b", "after: a,b"])
        XCTAssertEqual(rescued, ["a"])
        XCTAssertEqual(counters(s, "a"), [3, 0, 0, 0, 0, 1, 0])
        XCTAssertTrue(s.bookkeeping.failed.isEmpty)
    }

    func testIgnoredFailureCountsOkAndIgnored() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.task("t2")])], hosts: ["a"])
        var world = SchedulerFixture.World()
        world.ignored = ["t1"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), ["batch 0: a", "task t1: a", "task t2: a", "end"])
        XCTAssertEqual(counters(s, "a"), [2, 0, 0, 0, 0, 0, 1])
    }

    func testUnreachableHostLeavesWithoutFailing() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.task("t2")])], hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.unreachable = ["t1@b"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), ["batch 0: a,b", "task t1: a,b", "task t2: a", "end"])
        XCTAssertEqual(s.bookkeeping.unreachable, ["b"])
        XCTAssertTrue(s.bookkeeping.failed.isEmpty)
        XCTAssertEqual(counters(s, "b"), [0, 0, 1, 0, 0, 0, 0])
    }

    func testAnyErrorsFatalEndsThePlayForEveryHostAndBatch() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.task("t2")])], hosts: ["a", "b", "c", "d"],
                                           settings: .init(serial: [2], anyErrorsFatal: true))
        var world = SchedulerFixture.World()
        world.failing = ["t1@b"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), ["batch 0: a,b", "task t1: a,b", "end"])
        XCTAssertTrue(s.playEnded)
        XCTAssertEqual(counters(s, "b"), [0, 0, 0, 1, 0, 0, 0])
    }

    /// A host counts as failed once its iterator has left through its `always` sections, which
    /// the round after its failing task finds out.
    func testMaxFailPercentageIsStrictlyGreaterOverTheBatch() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.task("t2"), f.task("t3")])],
                                           hosts: ["a", "b", "c", "d"], settings: .init(maxFailPercentage: 25))
        var world = SchedulerFixture.World()
        world.failing = ["t1@a", "t2@b"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a,b,c,d", "task t1: a,b,c,d", "task t2: b,c,d", "task t3: c,d", "max_fail_percentage 25.0: 2 of 4", "end",
        ])
    }

    func testMaxFailPercentageCountsUnreachableHostsAndEndsLaterBatches() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.task("t2")])], hosts: ["a", "b", "c", "d"],
                                           settings: .init(serial: [2], maxFailPercentage: 49))
        var world = SchedulerFixture.World()
        world.unreachable = ["t1@a"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a,b", "task t1: a,b", "max_fail_percentage 49.0: 1 of 2", "end",
        ])
    }

    func testAllHostsOfABatchFailingEndsThePlayWithNoMoreHosts() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.task("t2")])], hosts: ["a", "b", "c"],
                                           settings: .init(serial: [1]))
        var world = SchedulerFixture.World()
        world.failing = ["t1@a"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), ["batch 0: a", "task t1: a", "no more hosts", "end"])
    }

    func testLastBatchFailingEndsWithoutNoMoreHosts() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t1")])], hosts: ["a", "b"], settings: .init(serial: [1]))
        var world = SchedulerFixture.World()
        world.failing = ["t1@b"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), ["batch 0: a", "task t1: a", "batch 1: b", "task t1: b", "end"])
    }

    func testEarlierFailuresCarryOverInTheBookkeeping() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t1")])], hosts: ["a"],
                                           bookkeeping: FailureBookkeeping(failed: ["z"]))
        _ = SchedulerFixture.drive(&s)
        XCTAssertEqual(s.bookkeeping.failed, ["z"])
    }
}
