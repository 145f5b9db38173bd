import Foundation
import OrderedCollections
import Synchronization
import PlayBase
import PlayExecutor
import XCTest

/// The aggregate callbacks' arithmetic and options, on a clock the test moves (the comparisons
/// with ansible-playbook in CallbackComparisonTests mask the real clock's readings).
final class CallbackRendererTests: XCTestCase {
    final class ManualClock: Sendable {
        private let now = Mutex(Date(timeIntervalSince1970: 1_796_672_000))
        func read() -> Date { now.withLock { $0 } }
        func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
    }

    func task(_ name: String, line: Int, args: OrderedDictionary<String, Value> = [:], id: String? = nil) -> PlayEvent {
        .taskStarted(TaskInfo(name: name, kind: .task, location: SourceLocation(file: "/p/site.yml", line: line, column: 7),
                              module: "command", args: args, id: id ?? name))
    }

    func testProfileTasksLinesAndSummary() {
        let clock = ManualClock()
        let profile = ProfileTasksRenderer(sortOrder: .descending, outputLimit: 2, clock: clock.read)
        clock.advance(1.5)
        let first = profile.render(task("quick", line: 3))
        // The time of day is the machine's local time, as strftime's.
        XCTAssertNotNil(first.range(of: #"^[A-Z][a-z]+day [0-9]{2} [A-Z][a-z]+ 20[0-9]{2}  [0-9]{2}:[0-9]{2}:21 [+-][0-9]{4} "#,
                                    options: .regularExpression), first)
        XCTAssertTrue(first.contains(" (0:00:01.500)       0:00:01.500 ***"), first)
        XCTAssertEqual(first.count, 81, "filled to column 80: \(first)")
        XCTAssertTrue(first.hasSuffix("* \n"), first)
        clock.advance(0.25)
        _ = profile.render(task("slow", line: 5))
        clock.advance(62.5)
        _ = profile.render(task("middle", line: 7))
        clock.advance(3)
        let summary = profile.render(.recap([]))
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines[0].contains("(0:00:03.000)       0:01:07.250"), lines[0])
        XCTAssertEqual(lines[1], String(repeating: "=", count: 79) + " ")
        XCTAssertEqual(lines[2], "slow " + String(repeating: "-", count: 66) + "-- 62.50s")
        XCTAssertEqual(lines[3], "middle " + String(repeating: "-", count: 64) + "--- 3.00s")
        XCTAssertEqual(lines.count, 5, "the output limit keeps two tasks: \(lines)")
    }

    func testTimerCountsWholeSecondsInDays() {
        let clock = ManualClock()
        let timer = TimerRenderer(clock: clock.read)
        clock.advance(86_400 + 3_600 + 61.9)
        XCTAssertEqual(timer.render(.recap([])), "Playbook run took 1 days, 1 hours, 1 minutes, 1 seconds\n")
        XCTAssertEqual(timer.render(task("t", line: 1)), "")
    }

    func result(_ host: String, _ status: TaskStatus, _ values: OrderedDictionary<String, Value>, ignored: Bool = false) -> PlayEvent {
        .hostResult(HostResult(host: host, task: "t", status: status, result: TaskResult(values), ignored: ignored, module: "command"))
    }

    func junit(_ environment: [String: String], _ events: [PlayEvent]) -> String {
        let report = JUnitReport(options: JUnitReport.Options(environment: environment, home: "/nonexistent"))
        for e in [.playbookStarted(path: "/p/site.yml"), .playStarted(PlayInfo(name: "web", hostPattern: "all", index: 0, checkMode: false))] + events {
            _ = report.render(e)
        }
        XCTAssertEqual(report.options.outputDirectory, environment["JUNIT_OUTPUT_DIR"] ?? "/nonexistent/.ansible.log")
        XCTAssertTrue(report.fileName(at: Date(timeIntervalSince1970: 12.5)).hasPrefix("site-12.5"))
        return report.xml()
    }

    func testJUnitFailOnChangeAndExpectedFailures() {
        let events: [PlayEvent] = [
            task("deploy", line: 3, args: ["_raw_params": "echo hi"]), result("h1", .changed, ["changed": true, "msg": "done"]),
            task("EXPECTED FAILURE check", line: 5), result("h1", .failed, ["failed": true, "msg": "no"]),
            task("ignored", line: 7), result("h1", .failed, ["failed": true, "msg": "x"], ignored: true),
        ]
        let plain = junit([:], events)
        XCTAssertTrue(plain.contains(#"<testsuites disabled="0" errors="0" failures="0" tests="3""#), plain)
        XCTAssertTrue(plain.contains(#"name="[h1] web: deploy _raw_params=echo hi""#), plain)
        XCTAssertTrue(plain.contains(#"classname="/p/site.yml:3""#), plain)

        let strict = junit(["JUNIT_FAIL_ON_CHANGE": "true", "JUNIT_FAIL_ON_IGNORE": "True", "JUNIT_HIDE_TASK_ARGUMENTS": "true",
                            "JUNIT_TASK_CLASS": "true"], events)
        XCTAssertTrue(strict.contains(#"<testsuites disabled="0" errors="1" failures="1" tests="3""#), strict)
        XCTAssertTrue(strict.contains(#"<failure message="done" type="failure">"#), strict)
        XCTAssertTrue(strict.contains(#"name="[h1] web: deploy" "#), "arguments hidden: \(strict)")
        XCTAssertTrue(strict.contains(#"classname="/p/site""#), "one class per file: \(strict)")
    }

    func testJUnitTestCasePrefixKeepsFailures() {
        let xml = junit(["JUNIT_TEST_CASE_PREFIX": "test_", "JUNIT_OUTPUT_DIR": "/tmp/j"], [
            task("test_one", line: 3), result("h1", .ok, ["changed": false]),
            task("setup step", line: 5), result("h1", .ok, ["changed": false]),
            task("broken step", line: 7), result("h1", .failed, ["failed": true, "msg": "bad <thing> & \"more\""]),
        ])
        XCTAssertTrue(xml.contains(#"tests="2""#), xml)
        XCTAssertFalse(xml.contains("setup step"), xml)
        XCTAssertTrue(xml.contains(#"message="Task failed: Module failed: bad &lt;thing&gt; &amp; &quot;more&quot;""#), xml)
    }

    func testDeployStoryReadsTargetStatesFromProgressLines() {
        var record = RunRecord()
        record.progress = [
            .init(time: 1, host: "localhost", task: "register", message: "tg: 1 healthy, 2 initial (3s of 300s)"),
            .init(time: 2, host: "localhost", task: "launch", message: "2 of 2 instances ready; waiting"),
        ]
        let story = DeployStory(record, load: ["requests": 120, "failures": 0, "versions": ["1": 70, "2": 50], "rps": 20.5])
        XCTAssertEqual(story.health.count, 1)
        XCTAssertEqual(story.health.first?.counts.map(\.state), ["healthy", "initial"])
        XCTAssertEqual(story.health.first?.counts.map(\.count), [1, 2])
        XCTAssertEqual(story.load?.versions.map(\.version), ["1", "2"])
        XCTAssertTrue(story.isDeploy)
        let html = HTMLReport.render(record, story: story)
        XCTAssertTrue(html.contains("120 requests (20.5/s), 0 failed; by version: 1: 70, 2: 50"), html)
    }
}
