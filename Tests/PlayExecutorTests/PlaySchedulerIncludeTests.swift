import XCTest
import PlayBase
import PlayLanguage
@testable import PlayExecutor

/// `include_tasks` expansion: loaded tasks run in place, skipped and failed includes, loop items
/// in order whatever node ids their files got.
final class PlaySchedulerIncludeTests: XCTestCase {
    private var f = SchedulerFixture()

    func testLoadedTasksRunBetweenTheIncludeAndTheNextTask() {
        let section = f.block([f.task("before"), f.include("inc"), f.task("after")])
        var s = SchedulerFixture.scheduler([section], hosts: ["a", "b", "c"])
        var world = SchedulerFixture.World()
        world.includes = ["inc": ["a": [[f.task("x1"), f.task("x2")]], "c": [[f.task("y")]]]]
        world.includeSkips = ["inc@b"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a,b,c", "task before: a,b,c", "include inc: a,b,c",
            "task x1: a", "task x2: a", "task y: c", "task after: a,b,c", "end",
        ])
        // One ok per included file, a skip for the false condition.
        XCTAssertEqual(counters(s, "a"), [5, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(counters(s, "b"), [2, 0, 0, 0, 1, 0, 0])
    }

    func testLoopItemsRunInLockstepByItemWhateverTheirNodeIDs() {
        // Each loop item's file is compiled from the same first node id, so ids say nothing about
        // items: a's second item (id 5) must wait for b's first item (ids 10, 11).
        func task(_ name: String, id: Int) -> CompiledItem {
            var t = f.compiledTask(name)
            t.id = id
            return .task(t)
        }
        var s = SchedulerFixture.scheduler([f.block([f.include("inc"), f.task("after")])], hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.includes = ["inc": ["a": [[task("x", id: 10)], [task("y", id: 5)]],
                                  "b": [[task("p", id: 10), task("q", id: 11)]]]]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a,b", "include inc: a,b", "task x: a", "task p: b", "task q: b", "task y: a", "task after: a,b", "end",
        ])
        XCTAssertEqual(counters(s, "a"), [5, 0, 0, 0, 0, 0, 0])
    }

    func testHostsThatLoadedTheSameItemRunItTogether() {
        let shared = f.task("shared")
        var s = SchedulerFixture.scheduler([f.block([f.include("inc")])], hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.includes = ["inc": ["a": [[shared]], "b": [[shared]]]]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), ["batch 0: a,b", "include inc: a,b", "task shared: a,b", "end"])
    }

    func testNestedIncludesExpandInPlace() {
        let section = f.block([f.include("outer"), f.task("after")])
        var s = SchedulerFixture.scheduler([section], hosts: ["a"])
        var world = SchedulerFixture.World()
        world.includes = ["outer": ["a": [[f.include("inner"), f.task("o2")]]], "inner": ["a": [[f.task("i1")]]]]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a", "include outer: a", "include inner: a", "task i1: a", "task o2: a", "task after: a", "end",
        ])
    }

    func testAFailedIncludeGoesToTheRescue() {
        let inner = f.block([f.include("inc"), f.task("not-run")], rescue: [f.task("r")])
        var s = SchedulerFixture.scheduler([f.block([.block(inner), f.task("after")])], hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.includeFailures = ["inc@a"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a,b", "include inc: a,b", "task not-run: b", "task r: a", "task after: a,b", "end",
        ])
        XCTAssertEqual(counters(s, "a"), [2, 0, 0, 0, 0, 1, 0])
    }

    func testAFailedIncludeWithoutRescueFailsTheHost() {
        var s = SchedulerFixture.scheduler([f.block([f.include("inc"), f.task("after")])], hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.includeFailures = ["inc@a"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), ["batch 0: a,b", "include inc: a,b", "task after: b", "end"])
        XCTAssertEqual(s.bookkeeping.failed, ["a"])
    }
}
