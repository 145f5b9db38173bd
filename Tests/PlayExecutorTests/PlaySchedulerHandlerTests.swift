import XCTest
import PlayBase
import PlayLanguage
@testable import PlayExecutor

/// Handler notification by name and `listen`, flushes at section ends and at
/// `meta: flush_handlers`, and `force_handlers`.
final class PlaySchedulerHandlerTests: XCTestCase {
    private var f = SchedulerFixture()

    func testHandlersFlushAtTheEndOfEachSectionInDefinitionOrder() {
        let sections = [f.block([f.task("pre")]), f.block([f.task("main")])]
        let handlers = [f.handler("restart"), f.handler("reload", listen: ["web"]), f.handler("unused")]
        var s = SchedulerFixture.scheduler(sections, handlers: handlers, hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.notify = ["pre": ["restart"], "main": ["web", "restart"]]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a,b", "task pre: a,b", "handler restart: a,b",
            "task main: a,b", "handler restart: a,b", "handler reload: a,b", "end",
        ])
        XCTAssertEqual(counters(s, "a"), [5, 0, 0, 0, 0, 0, 0])
    }

    func testOnlyNotifyingHostsRunAHandlerAndOnlyOncePerFlush() {
        let handlers = [f.handler("restart")]
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.task("t2")])], handlers: handlers, hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.notify = ["t1": ["restart"], "t2": ["restart"]]
        world.failing = ["t2@b"]
        // b notified before failing, but a failed host gets no handlers.
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a,b", "task t1: a,b", "task t2: a,b", "handler restart: a", "end",
        ])
    }

    func testAHandlerCanNotifyALaterHandler() {
        let handlers = [f.handler("first"), f.handler("second")]
        var s = SchedulerFixture.scheduler([f.block([f.task("t")])], handlers: handlers, hosts: ["a"])
        var world = SchedulerFixture.World()
        world.notify = ["t": ["first"], "first": ["second"]]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a", "task t: a", "handler first: a", "handler second: a", "end",
        ])
    }

    func testMetaFlushHandlersRunsThemInPlace() {
        let handlers = [f.handler("restart")]
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.meta("flush_handlers"), f.task("t2")])],
                                           handlers: handlers, hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.notify = ["t1": ["restart"]]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a,b", "task t1: a,b", "meta flush_handlers: a,b", "handler restart: a,b", "task t2: a,b", "end",
        ])
    }

    func testForceHandlersRunsThemOnFailedHostsToo() {
        let handlers = [f.handler("restart")]
        var s = SchedulerFixture.scheduler([f.block([f.task("t1"), f.task("t2")])], handlers: handlers,
                                           hosts: ["a", "b"], settings: .init(forceHandlers: true))
        var world = SchedulerFixture.World()
        world.notify = ["t1": ["restart"]]
        world.failing = ["t2@b"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a,b", "task t1: a,b", "task t2: a,b", "handler restart: a,b", "end",
        ])
    }

    func testAFailingHandlerFailsItsHost() {
        let handlers = [f.handler("restart")]
        let sections = [f.block([f.task("t1")]), f.block([f.task("t2")])]
        var s = SchedulerFixture.scheduler(sections, handlers: handlers, hosts: ["a", "b"])
        var world = SchedulerFixture.World()
        world.notify = ["t1": ["restart"]]
        world.failing = ["restart@a"]
        XCTAssertEqual(SchedulerFixture.drive(&s, world), [
            "batch 0: a,b", "task t1: a,b", "handler restart: a,b", "task t2: b", "end",
        ])
        XCTAssertEqual(s.bookkeeping.failed, ["a"])
        XCTAssertEqual(counters(s, "a"), [1, 0, 0, 1, 0, 0, 0])
    }

    func testInterruptSkipsPendingHandlers() {
        let handlers = [f.handler("restart")]
        var s = SchedulerFixture.scheduler([f.block([f.task("t1")])], handlers: handlers, hosts: ["a"])
        var world = SchedulerFixture.World()
        world.notify = ["t1": ["restart"]]
        world.interruptAfter = "t1"
        XCTAssertEqual(SchedulerFixture.drive(&s, world), ["batch 0: a", "task t1: a", "end"])
    }
}
