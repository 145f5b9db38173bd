import Foundation
import OrderedCollections
import PlayBase
import PlayTestSupport
@testable import PlayExecutor
import XCTest

/// A result's diff as text, against ansible-core's own `CallbackBase._get_diff` run live on
/// generated diffs (text with and without final newlines, `\r\n`, mappings, nulls, lists of
/// diffs, binary and size notes, `prepared`), and where the renderer puts it.
final class DiffTextTests: XCTestCase {
    static let python = """
        import sys, json
        from ansible.plugins.callback import CallbackBase
        callback = CallbackBase()
        json.dump([callback._get_diff(d) for d in json.load(sys.stdin)], sys.stdout)
        """

    static func generated() -> [Value] {
        var rng = SeededGenerator(seed: 19)
        let pieces = ["a\n", "b\n", "c\n", "caf\u{E9}\n", "end\r\n", "x = 1\n", "x = 2\n", "no newline"]
        func text() -> Value {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: return .null
            case 1: return ["path": "/tmp/f", "state": Bool.random(using: &rng) ? "file" : "absent", "mode": "0644"]
            default:
                return .string((0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined())
            }
        }
        func one() -> Value {
            var d: OrderedDictionary<String, Value> = [:]
            if Int.random(in: 0..<5, using: &rng) > 0 { d["before"] = text(); d["after"] = text() }
            if Bool.random(using: &rng) { d["before_header"] = "/etc/app.conf" }
            if Bool.random(using: &rng) { d["after_header"] = "dynamically generated" }
            for flag in ["dst_binary", "src_binary"] where Int.random(in: 0..<8, using: &rng) == 0 { d[flag] = 1 }
            for flag in ["dst_larger", "src_larger"] where Int.random(in: 0..<8, using: &rng) == 0 { d[flag] = 104_448 }
            if Int.random(in: 0..<6, using: &rng) == 0 { d["prepared"] = "prepared text\n" }
            return .dict(d)
        }
        return (0..<150).map { _ in Bool.random(using: &rng) ? one() : .list((0..<Int.random(in: 1...3, using: &rng)).map { _ in one() }) }
    }

    func testAgreesWithAnsibleCallback() async throws {
        let diffs = Self.generated()
        let input = Data(Value.list(diffs).jsonString().utf8)
        let output = try await Subprocess.run(["/usr/bin/env", "python3", "-c", Self.python], stdin: input)
        XCTAssertEqual(output.status, 0, String(decoding: output.stderr, as: UTF8.self))
        let expected = try JSONDecoder().decode([String].self, from: output.stdout)
        XCTAssertEqual(expected.count, diffs.count)
        for (index, (diff, want)) in zip(diffs, expected).enumerated() {
            let got = DiffText.render(diff, colour: false)
            XCTAssertEqual(Array(got.unicodeScalars), Array(want.unicodeScalars), "case \(index): \(diff)\n\(got)\n---\n\(want)")
        }
    }

    func testColourPaintsEachLineOfAChange() {
        let text = DiffText.render(["before": "a\n", "after": "b\n"], colour: true)
        XCTAssertEqual(text, "\u{1B}[0;31m--- before\u{1B}[0m\n\u{1B}[0;31m\u{1B}[0m"
            + "\u{1B}[0;32m+++ after\u{1B}[0m\n\u{1B}[0;32m\u{1B}[0m"
            + "\u{1B}[0;36m@@ -1 +1 @@\u{1B}[0m\n\u{1B}[0;36m\u{1B}[0m"
            + "\u{1B}[0;31m-a\u{1B}[0m\n\u{1B}[0;31m\u{1B}[0m\u{1B}[0;32m+b\u{1B}[0m\n\u{1B}[0;32m\u{1B}[0m\n")
    }

    func testShownBeforeAChangedResultInDiffModeOnly() {
        let renderer = HumanRenderer(colour: false, verbosity: 0)
        let diff: Value = ["before": "a\r\n", "after": "b\n"]
        func render(_ status: TaskStatus, changed: Bool, showsDiff: Bool, item: String? = nil) -> String {
            var result = TaskResult(["changed": .bool(changed), "diff": diff])
            if status == .failed { result.failed = true }
            return renderer.render(.hostResult(HostResult(host: "h", task: "t", status: status, result: result, itemLabel: item,
                                                          module: "m", showsDiff: showsDiff)))
        }
        let shown = "--- before\n+++ after\n@@ -1 +1 @@\n-a\n+b\n\n"
        XCTAssertEqual(render(.changed, changed: true, showsDiff: true), shown + "changed: [h]\n")
        XCTAssertEqual(render(.changed, changed: true, showsDiff: true, item: "x"), shown + "changed: [h] => (item=x)\n")
        XCTAssertEqual(render(.changed, changed: true, showsDiff: false), "changed: [h]\n")
        XCTAssertEqual(render(.ok, changed: false, showsDiff: true), "ok: [h]\n")
        XCTAssertFalse(render(.failed, changed: true, showsDiff: true).contains("---"))
    }
}
