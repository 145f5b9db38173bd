import Foundation
import PlayBase
import PlayExecutor
import PlayLanguage
import XCTest

/// The renderer decides by the traits an event carries, never by a module's name.
final class HumanRendererTests: XCTestCase {
    let renderer = HumanRenderer(colour: false, verbosity: 0)

    func testMessageDisplayShowsTheMessageAloneWhateverTheModuleIsCalled() {
        let r = HostResult(host: "h", task: "t", status: .ok, result: TaskResult(["msg": "hi", "changed": false]),
                           module: "anything", display: .message)
        XCTAssertEqual(renderer.render(.hostResult(r)), "ok: [h] => {\n    \"msg\": \"hi\"\n}\n")
    }

    func testStandardDisplayHidesTheResultWithoutVerbosity() {
        let r = HostResult(host: "h", task: "t", status: .ok, result: TaskResult(["msg": "hi", "changed": false]),
                           module: "debug")
        XCTAssertEqual(renderer.render(.hostResult(r)), "ok: [h]\n")
    }

    func testRetryingShowsTheResultForAlwaysVerboseDisplay() {
        let text = renderer.render(.retrying(host: "h", task: "t", retriesLeft: 2, result: TaskResult(["changed": false]),
                                             display: .alwaysVerbose))
        XCTAssertTrue(text.contains("Result was: {"), text)
        let plain = renderer.render(.retrying(host: "h", task: "t", retriesLeft: 2, result: TaskResult(["changed": false]),
                                              display: .standard))
        XCTAssertFalse(plain.contains("Result was"), plain)
    }

    func testControllerFailuresAreActionFailures() throws {
        let file = NSTemporaryDirectory() + "human-renderer-\(UUID().uuidString).yml"
        try "- name: t\n  fail: {}\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let loc = SourceLocation(file: file, line: 1, column: 3)
        func line(controller: Bool) -> String {
            let r = HostResult(host: "h", task: "t", status: .failed, result: .failed("boom \(controller)"), module: "m",
                               runsOnController: controller, location: loc)
            return renderer.render(.hostResult(r))
        }
        XCTAssertTrue(line(controller: true).hasPrefix("[ERROR]: Task failed: Action failed: boom true\n"))
        XCTAssertTrue(line(controller: false).hasPrefix("[ERROR]: Task failed: Module failed: boom false\n"))
    }
}
