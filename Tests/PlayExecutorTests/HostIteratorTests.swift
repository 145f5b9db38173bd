import XCTest
import PlayBase
import PlayLanguage
@testable import PlayExecutor

/// The per-host state machine, without any I/O: which task comes next after ok and failed results.
final class HostIteratorTests: XCTestCase {
    private var nextID = 0

    private func task(_ name: String) -> CompiledItem {
        nextID += 1
        let loc = SourceLocation(file: "t.yml", line: nextID, column: 1)
        let t = PlaybookTask(name: name, module: "debug", moduleLocation: loc, location: loc)
        return .task(CompiledTask(id: nextID, task: t, tags: [], conditions: [], blockVars: [],
                                  keywords: EffectiveKeywords(), notify: [], displayName: name))
    }

    private func block(_ body: [CompiledItem], rescue: [CompiledItem] = [], always: [CompiledItem] = []) -> CompiledBlock {
        nextID += 1
        return CompiledBlock(id: nextID, body: body, rescue: rescue, always: always,
                             location: SourceLocation(file: "t.yml", line: nextID, column: 1))
    }

    /// Runs the iterator to the end; `failing` names the tasks that fail. Returns the names run.
    private func walk(_ section: CompiledBlock, failing: Set<String> = []) -> (ran: [String], failed: Bool, rescued: Int) {
        var it = HostIterator(section: section)
        var ran: [String] = []
        var rescued = 0
        while case .task(let t, _) = it.next() {
            ran.append(t.displayName)
            if it.complete(failed: failing.contains(t.displayName)) == .rescued { rescued += 1 }
            if ran.count > 100 { XCTFail("runaway iterator"); break }
        }
        return (ran, it.hostFailed, rescued)
    }

    func testSequenceRunsInOrder() {
        let r = walk(block([task("a"), task("b"), task("c")]))
        XCTAssertEqual(r.ran, ["a", "b", "c"])
        XCTAssertFalse(r.failed)
    }

    func testFailureWithoutRescueStopsTheHost() {
        let r = walk(block([task("a"), task("b"), task("c")]), failing: ["b"])
        XCTAssertEqual(r.ran, ["a", "b"])
        XCTAssertTrue(r.failed)
    }

    func testRescueRecoversAndAlwaysRuns() {
        let inner = block([task("a"), task("b"), task("skipped")], rescue: [task("r1"), task("r2")], always: [task("al")])
        let r = walk(block([.block(inner), task("after")]), failing: ["b"])
        XCTAssertEqual(r.ran, ["a", "b", "r1", "r2", "al", "after"])
        XCTAssertFalse(r.failed)
        XCTAssertEqual(r.rescued, 1)
    }

    func testAlwaysRunsAfterUnrescuedFailureThenHostFails() {
        let inner = block([task("a"), task("b")], always: [task("al1"), task("al2")])
        let r = walk(block([.block(inner), task("after")]), failing: ["a"])
        XCTAssertEqual(r.ran, ["a", "al1", "al2"])
        XCTAssertTrue(r.failed)
    }

    func testFailureInRescueRunsAlwaysAndFails() {
        let inner = block([task("a")], rescue: [task("r1"), task("r2")], always: [task("al")])
        let r = walk(block([.block(inner), task("after")]), failing: ["a", "r1"])
        XCTAssertEqual(r.ran, ["a", "r1", "al"])
        XCTAssertTrue(r.failed)
    }

    func testFailureInAlwaysFailsTheBlock() {
        let inner = block([task("a")], always: [task("al1"), task("al2")])
        let r = walk(block([.block(inner), task("after")]), failing: ["al1"])
        XCTAssertEqual(r.ran, ["a", "al1"])
        XCTAssertTrue(r.failed)
    }

    func testNestedFailurePropagatesToOuterRescue() {
        let innermost = block([task("a")], always: [task("inner-always")])
        let outer = block([.block(innermost), task("not-run")], rescue: [task("outer-rescue")])
        let r = walk(block([.block(outer), task("after")]), failing: ["a"])
        XCTAssertEqual(r.ran, ["a", "inner-always", "outer-rescue", "after"])
        XCTAssertFalse(r.failed)
    }

    func testIncludeExpansionRunsLoadedTasksInPlace() {
        nextID += 1
        let loc = SourceLocation(file: "t.yml", line: 1, column: 1)
        let inc = CompiledInclude(id: nextID, include: IncludeTasks(file: "x.yml", fileLocation: loc, location: loc),
                                  tags: [], conditions: [], blockVars: [], keywords: EffectiveKeywords(),
                                  displayName: "include", childContext: InheritedContext(directory: ".", playbookDirectory: "."))
        var it = HostIterator(section: block([task("a"), .include(inc), task("c")]))
        guard case .task(let a, _) = it.next() else { return XCTFail() }
        XCTAssertEqual(a.displayName, "a")
        it.complete(failed: false)
        guard case .include(_, let key) = it.next() else { return XCTFail("expected the include") }
        it.expand([task("x1"), task("x2")], key: key)
        var names: [String] = []
        var keys: [StepKey] = []
        while case .task(let t, let k) = it.next() {
            names.append(t.displayName)
            keys.append(k)
            it.complete(failed: false)
        }
        XCTAssertEqual(names, ["x1", "x2", "c"])
        XCTAssertTrue(keys[0] > key && keys[1] > keys[0] && keys[2] > keys[1], "included tasks order between the include and the next task")
    }

    func testLoopItemsExpandInOrderKeyedByItem() {
        nextID += 1
        let loc = SourceLocation(file: "t.yml", line: 1, column: 1)
        let inc = CompiledInclude(id: nextID, include: IncludeTasks(file: "x.yml", fileLocation: loc, location: loc),
                                  tags: [], conditions: [], blockVars: [], keywords: EffectiveKeywords(),
                                  displayName: "include", childContext: InheritedContext(directory: ".", playbookDirectory: "."))
        var it = HostIterator(section: block([.include(inc), task("after")]))
        guard case .include(_, let key) = it.next() else { return XCTFail("expected the include") }
        it.expand(parts: [[task("i0")], [], [task("i2a"), task("i2b")]], key: key)
        var steps: [String] = []
        while case .task(let t, let k) = it.next() {
            steps.append("\(t.displayName)\(k.path.dropFirst().first.map { " item \($0)" } ?? "")")
            it.complete(failed: false)
        }
        XCTAssertEqual(steps, ["i0 item 0", "i2a item 2", "i2b item 2", "after"])
    }

    func testFailureInAnExpandedItemLeavesEveryItem() {
        nextID += 1
        let loc = SourceLocation(file: "t.yml", line: 1, column: 1)
        let inc = CompiledInclude(id: nextID, include: IncludeTasks(file: "x.yml", fileLocation: loc, location: loc),
                                  tags: [], conditions: [], blockVars: [], keywords: EffectiveKeywords(),
                                  displayName: "include", childContext: InheritedContext(directory: ".", playbookDirectory: "."))
        let inner = block([.include(inc), task("not-run")], rescue: [task("r")])
        var it = HostIterator(section: block([.block(inner)]))
        guard case .include(_, let key) = it.next() else { return XCTFail("expected the include") }
        it.expand(parts: [[task("i0")], [task("i1")]], key: key)
        var ran: [String] = []
        while case .task(let t, _) = it.next() {
            ran.append(t.displayName)
            it.complete(failed: t.displayName == "i0")
        }
        XCTAssertEqual(ran, ["i0", "r"])
        XCTAssertFalse(it.hostFailed)
    }

    func testEndHostStopsEverything() {
        var it = HostIterator(section: block([task("a"), task("b")]))
        _ = it.next()
        it.end()
        guard case .done = it.next() else { return XCTFail() }
        XCTAssertFalse(it.hostFailed)
    }

    func testSerialBatchesNumbersPercentagesAndLists() {
        let hosts = (1...10).map { "h\($0)" }
        XCTAssertEqual(SerialBatches.split(hosts, serial: []).map(\.count), [10])
        XCTAssertEqual(SerialBatches.split(hosts, serial: [3]).map(\.count), [3, 3, 3, 1])
        XCTAssertEqual(SerialBatches.split(hosts, serial: ["30%"]).map(\.count), [3, 3, 3, 1])
        XCTAssertEqual(SerialBatches.split(hosts, serial: [1, 2, "50%"]).map(\.count), [1, 2, 5, 2])
        XCTAssertEqual(SerialBatches.split(hosts, serial: ["1%"]).map(\.count), Array(repeating: 1, count: 10))
    }
}
