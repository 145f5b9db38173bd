import XCTest
import PlayBase
import PlayLanguage
@testable import PlayExecutor

/// `meta` actions, each as the strategy performs it; a false condition on a host skips it there.
final class PlaySchedulerMetaTests: XCTestCase {
    private var f = SchedulerFixture()

    func testMetaActionsParseFromTheFreeFormArgument() {
        XCTAssertEqual(MetaAction("end_host"), .endHost)
        XCTAssertEqual(MetaAction("refresh_inventory"), .other("refresh_inventory"))
    }

    func testEndHostStopsOnlyTheHostsItAppliesTo() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.meta("end_host"), f.task("t2")]),
                                            f.block([f.task("t3")])], hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.metaSkips = ["end_host@b"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a,b", "task t1: a,b", "meta end_host: a,b", "task t2: b", "task t3: b", "end",
        ])
        XCTAssertTrue(s.bookkeeping.failed.isEmpty)
    }

    func testEndPlayEndsEveryBatch() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.meta("end_play"), f.task("t2")])],
                                           hosts: ["a", "b"], settings: .init(serial: [1]))
        XCTAssertEqual(SchedulerFixture.drive(&s), ["batch 0: a", "task t1: a", "meta end_play: a", "end"])
        XCTAssertTrue(s.playEnded)
    }

    func testEndPlaySkippedEverywhereDoesNothing() {
        var s = SchedulerFixture.scheduler([f.block([f.meta("end_play"), f.task("t")])], hosts: ["a"])
        var world = SchedulerFixture.World()
        world.metaSkips = ["end_play"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), ["batch 0: a", "meta end_play: a", "task t: a", "end"])
    }

    func testEndBatchMovesToTheNextBatch() {
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.meta("end_batch"), f.task("t2")])],
                                           hosts: ["a", "b"], settings: .init(serial: [1]))
        XCTAssertEqual(SchedulerFixture.drive(&s), [
            "batch 0: a", "task t1: a", "meta end_batch: a", "batch 1: b", "task t1: b", "meta end_batch: b", "end",
        ])
    }

    func testClearHostErrorsForgetsTheBatchFailures() {
        let sections = [f.block([f.task("t1")]), f.block([f.task("t2"), f.meta("clear_host_errors")])]
        var s = SchedulerFixture.scheduler(sections, hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.failing = ["t1@a"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a,b", "task t1: a,b", "task t2: b", "meta clear_host_errors: b", "end",
        ])
        XCTAssertTrue(s.bookkeeping.failed.isEmpty)
        XCTAssertEqual(counters(s, "a"), [0, 0, 0, 1, 0, 0, 0])
    }

    func testNoopChangesNothing() {
        var s = SchedulerFixture.scheduler([f.block([f.meta("noop"), f.task("t")])], hosts: ["a", "b"])
        XCTAssertEqual(SchedulerFixture.drive(&s), ["batch 0: a,b", "meta noop: a,b", "task t: a,b", "end"])
        XCTAssertEqual(counters(s, "a"), [1, 0, 0, 0, 0, 0, 0])
    }
}
