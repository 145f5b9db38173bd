import XCTest
import PlayBase
import PlayLanguage
@testable import PlayExecutor

/// Serial batches, lockstep order and run_once / host-loop bypass, decision by decision.
final class PlaySchedulerBatchTests: XCTestCase {
    private var f = SchedulerFixture()

    func testWithoutSerialOneBatchRunsEachTaskOnAllHosts() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.task("t2")])], hosts: ["a", "b", "c"])
        XCTAssertEqual(SchedulerFixture.drive(&s), [
            "batch 0: a,b,c", "task t1: a,b,c", "task t2: a,b,c", "end",
        ])
        XCTAssertEqual(counters(s, "b"), [2, 0, 0, 0, 0, 0, 0])
    }

    func testSerialNumberRunsTheWholePlayPerBatch() {
        let sections = [f.block([f.task("t1")]), f.block([f.task("t2")])]
        var s = SchedulerFixture.scheduler(sections, hosts: ["a", "b", "c", "d", "e"], settings: .init(serial: [2]))
        XCTAssertEqual(SchedulerFixture.drive(&s), [
            "batch 0: a,b", "task t1: a,b", "task t2: a,b",
            "batch 1: c,d", "task t1: c,d", "task t2: c,d",
            "batch 2: e", "task t1: e", "task t2: e",
            "end",
        ])
    }

    func testSerialPercentagesAndListsRepeatTheLastSize() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t")])], hosts: ["a", "b", "c", "d", "e"],
                                           settings: .init(serial: [1, "40%"]))
        XCTAssertEqual(SchedulerFixture.drive(&s).filter { $0.hasPrefix("batch") }, [
            "batch 0: a", "batch 1: b,c", "batch 2: d,e",
        ])
    }

    func testHostsAppearInTheRecapFromTheirFirstBatch() {
        var s = SchedulerFixture.scheduler([f.block([])], hosts: ["a", "b"], settings: .init(serial: [1]))
        XCTAssertEqual(SchedulerFixture.drive(&s), ["batch 0: a", "batch 1: b", "end"])
        XCTAssertEqual(Array(s.bookkeeping.stats.keys), ["a", "b"])
    }

    func testEmptySectionsAreSkippedAndSectionsRunInOrder() {
        let sections = [f.block([f.task("pre")]), f.block([]), f.block([f.task("post")])]
        var s = SchedulerFixture.scheduler(sections, hosts: ["a"])
        XCTAssertEqual(SchedulerFixture.drive(&s), ["batch 0: a", "task pre: a", "task post: a", "end"])
    }

    func testLockstepWaitsForTheLowestPosition() {
        // b fails into the rescue while a carries on: a's next task comes first (lower node id).
        let inner = f.block([f.task("x"), f.task("y")], rescue: [f.task("r")])
        var s = SchedulerFixture.scheduler([f.block([.block(inner), f.task("z")])], hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.failing = ["x@b"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a,b", "task x: a,b", "task y: a", "task r: b", "task z: a,b", "end",
        ])
    }

    func testRunOnceRunsOnTheFirstHostAndAppliesToAll() {
        var s = SchedulerFixture.scheduler([f.block([f.task("once", runOnce: true), f.task("t")])], hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.changed = ["once"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), ["batch 0: a,b", "task once once: a,b", "task t: a,b", "end"])
        // Only the host that ran it counts it.
        XCTAssertEqual(counters(s, "a"), [2, 1, 0, 0, 0, 0, 0])
        XCTAssertEqual(counters(s, "b"), [1, 0, 0, 0, 0, 0, 0])
    }

    func testRunOnceFailureFailsEveryHost() {
        var s = SchedulerFixture.scheduler([f.block([f.task("once", runOnce: true), f.task("t")])], hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.failing = ["once"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), ["batch 0: a,b", "task once once: a,b", "end"])
        XCTAssertEqual(s.bookkeeping.failed, ["a", "b"])
        XCTAssertEqual(counters(s, "b"), [0, 0, 0, 1, 0, 0, 0])
    }

    func testRunOnceFalseRunsOnEveryHost() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t", runOnce: false)])], hosts: ["a", "b"])
        XCTAssertEqual(SchedulerFixture.drive(&s), ["batch 0: a,b", "task t: a,b", "end"])
    }

    func testRunOnceIsRenderedForTheFirstHostOfTheStep() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.task("once", runOnce: true)])], hosts: ["a", "b", "c"])
        guard case .startBatch = s.nextDecision(evaluating: { _, _, _, _ in false }),
              case .runTask(_, let first, _) = s.nextDecision(evaluating: { _, _, _, _ in false }) else { return XCTFail() }
        XCTAssertEqual(first, ["a", "b", "c"])
        s.report(first.map { HostReport(host: $0, status: .ok, failed: $0 == "a") })
        var asked: [String] = []
        guard case .runTask(_, let hosts, let once) = s.nextDecision(evaluating: { _, _, host, playHosts in
            asked.append("\(host) of \(playHosts.active.joined(separator: ","))")
            return false
        }) else { return XCTFail() }
        // a leaves the active hosts when the round that found it failed is over.
        XCTAssertEqual(asked, ["b of a,b,c"])
        XCTAssertEqual(hosts, ["b", "c"])
        XCTAssertFalse(once)
    }

    func testHostLoopBypassComesFromTheModuleTraits() {
        var s = SchedulerFixture.scheduler([f.block([f.task("add", module: "add_host")])], hosts: ["a", "b"])
        XCTAssertEqual(SchedulerFixture.drive(&s), ["batch 0: a,b", "task add once: a,b", "end"])
    }

    func testInterruptStopsBeforeTheNextRound() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.task("t2")]), f.block([f.task("t3")])],
                                           hosts: ["a"], settings: .init(serial: [1]))
        var world = SchedulerFixture.World()
        world.interruptAfter = "t1"
        XCTAssertEqual(SchedulerFixture.drive(&s, world), ["batch 0: a", "task t1: a", "end"])
    }
}
