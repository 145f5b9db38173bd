import Foundation
import PlayBase
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class PauseModuleTests: XCTestCase {
    func testTimedPauseReportsProgressAndAnsibleKeys() async throws {
        let h = ModuleHarness()
        let r = try await h.run(PauseModule(), ["seconds": "0.3"])
        XCTAssertFalse(r.failed)
        XCTAssertFalse(r.changed)
        XCTAssertEqual(r["delta"], 0)
        XCTAssertEqual(r["user_input"], "")
        XCTAssertEqual(r["rc"], 0)
        XCTAssertNotNil(r.string("stdout")?.range(of: #"^Paused for 0\.3\d? seconds$"#, options: .regularExpression), r.string("stdout") ?? "")
        // The module's own clock readings: it paused at least the time asked for.
        let stamp = DateFormatter()
        stamp.locale = Locale(identifier: "en_US_POSIX")
        stamp.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS"
        let start = try XCTUnwrap(r.string("start").flatMap(stamp.date(from:)), r.string("start") ?? "no start")
        let stop = try XCTUnwrap(r.string("stop").flatMap(stamp.date(from:)), r.string("stop") ?? "no stop")
        XCTAssertGreaterThanOrEqual(stop.timeIntervalSince(start), 0.29)
        XCTAssertFalse(h.progress.messages.isEmpty)
    }

    func testHostsOfOneTaskShareOnePause() async throws {
        let h = ModuleHarness()
        async let first = h.run(PauseModule(), ["seconds": "0.4"])
        async let second = h.run(PauseModule(), ["seconds": "0.4"])
        let (a, b) = try await (first, second)
        XCTAssertEqual(a["start"], b["start"], "one pause answered both hosts")
        XCTAssertEqual(a["stop"], b["stop"], "one pause answered both hosts")
    }

    func testPromptWithoutTerminalIsSkippedWithAWarning() async throws {
        let pause = PauseModule(terminal: TerminalPrompt(device: "/dev/null", isInteractive: { false }))
        let r = try await ModuleHarness().run(pause, ["prompt": "Deploy to production?"])
        XCTAssertFalse(r.failed)
        XCTAssertEqual(r["user_input"], "")
        XCTAssertEqual(r["warnings"], ["Not waiting for response to prompt as stdin is not interactive"])
        XCTAssertEqual(r.string("stdout")?.hasSuffix(" minutes"), true, r.string("stdout") ?? "no stdout")
    }

    func testPromptReadsALineFromARealTerminal() async throws {
        let terminal = try PseudoTerminal.open()
        let master = terminal.master, device = terminal.device
        defer { terminal.close() }
        let pause = PauseModule(terminal: TerminalPrompt(device: device, isInteractive: { true }))
        let typist = Task.detached {
            try? await Task.sleep(for: .milliseconds(200))
            _ = write(master, "blue\n", 5)
        }
        let r = try await ModuleHarness().run(pause, ["prompt": "Which colour", "echo": false])
        await typist.value
        XCTAssertEqual(r["user_input"], "blue")
        XCTAssertEqual(r["echo"], false)
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = read(master, &buffer, buffer.count)
        let shown = String(decoding: buffer.prefix(max(0, n)), as: UTF8.self)
        XCTAssertTrue(shown.contains("Which colour:"), shown)
        XCTAssertFalse(shown.contains("blue"), "echo off hides the answer: \(shown)")
    }

    func testArgumentErrors() async throws {
        let h = ModuleHarness()
        XCTAssertEqual(h.argumentError(PauseModule(), ["seconds": 1, "minutes": 1]), "parameters are mutually exclusive: minutes|seconds")
        let bad = try await h.run(PauseModule(), ["seconds": "soon"])
        XCTAssertEqual(bad.message, "non-integer value given for prompt duration:\nsoon")
    }
}
