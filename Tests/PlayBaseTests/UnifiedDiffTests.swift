import Foundation
import XCTest
@testable import PlayBase
import PlayTestSupport

/// `SequenceMatcher`, `UnifiedDiff` and `pythonLinesKeepingEnds` against Python's own difflib and
/// `str.splitlines(True)`, run live on generated inputs: random edits of random line lists, with
/// repeated lines, popular lines in 200+ line files (the autojunk rule), missing final newlines,
/// `\r\n` and canonically equivalent but different spellings.
final class UnifiedDiffTests: XCTestCase {
    struct Case: Codable {
        var a: [String]
        var b: [String]
        var n: Int
        var text: String
    }

    struct Expected: Codable {
        var blocks: [[Int]]
        var diff: [String]
        var lines: [String]
    }

    static let python = """
        import sys, json, difflib
        out = []
        for c in json.load(sys.stdin):
            sm = difflib.SequenceMatcher(None, c["a"], c["b"])
            out.append({"blocks": [list(m) for m in sm.get_matching_blocks()],
                        "diff": list(difflib.unified_diff(c["a"], c["b"], fromfile="before: x", tofile="after",
                                                          fromfiledate="", tofiledate="", n=c["n"])),
                        "lines": c["text"].splitlines(True)})
        json.dump(out, sys.stdout)
        """

    static let vocabulary = ["\n", "}\n", "    return x\n", "a\n", "b\n", "c\n", "caf\u{E9}\n", "cafe\u{301}\n",
                             "end\r\n", "tab\there\n", "no newline", "x = 1\n", "x = 2\n", "\u{2028}", "\u{1F600}\n"]

    static func randomLine(_ rng: inout SeededGenerator, unique: Int) -> String {
        Int.random(in: 0..<4, using: &rng) == 0 ? "line \(unique) \(Int.random(in: 0..<1000, using: &rng))\n"
            : vocabulary.randomElement(using: &rng)!
    }

    static func cases() -> [Case] {
        var rng = SeededGenerator(seed: 2026)
        var cases: [Case] = []
        for index in 0..<400 {
            let long = index % 10 == 0
            let count = long ? Int.random(in: 200...450, using: &rng) : Int.random(in: 0...30, using: &rng)
            var a = (0..<count).map { randomLine(&rng, unique: $0) }
            if long { for i in stride(from: 0, to: a.count, by: 3) { a[i] = "}\n" } }
            var b = a
            for _ in 0..<Int.random(in: 0...(long ? 12 : 5), using: &rng) {
                let at = Int.random(in: 0...b.count, using: &rng)
                let span = min(Int.random(in: 1...4, using: &rng), b.count - at)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: b.removeSubrange(at..<(at + span))
                case 1: b.insert(contentsOf: (0..<Int.random(in: 1...4, using: &rng)).map { _ in randomLine(&rng, unique: 9999) }, at: at)
                default: b.replaceSubrange(at..<(at + span), with: (0..<span).map { _ in randomLine(&rng, unique: 7777) })
                }
            }
            if Bool.random(using: &rng), let last = b.last { b[b.count - 1] = String(last.dropLast()) }
            let separators = ["\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1D}", "\u{1E}", "\u{85}",
                              "\u{2028}", "\u{2029}", "x", "\u{E9}", " "]
            let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in separators.randomElement(using: &rng)! }.joined()
            cases.append(Case(a: a, b: b, n: Int.random(in: 0...4, using: &rng), text: text))
        }
        return cases
    }

    func testAgreesWithPythonDifflib() async throws {
        let cases = Self.cases()
        let output = try await Subprocess.run(["/usr/bin/env", "python3", "-c", Self.python],
                                              stdin: try JSONEncoder().encode(cases))
        XCTAssertEqual(output.status, 0, String(decoding: output.stderr, as: UTF8.self))
        let expected = try JSONDecoder().decode([Expected].self, from: output.stdout)
        XCTAssertEqual(expected.count, cases.count)
        var autojunkCases = 0
        func scalars(_ lines: [String]) -> [[Unicode.Scalar]] { lines.map { Array($0.unicodeScalars) } }
        for (index, (c, want)) in zip(cases, expected).enumerated() {
            let matcher = SequenceMatcher(scalars(c.a), scalars(c.b))
            let blocks = matcher.matchingBlocks().map { [$0.a, $0.b, $0.size] }
            XCTAssertEqual(blocks, want.blocks, "matching blocks of case \(index)")
            let diff = UnifiedDiff.lines(c.a, c.b, fromFile: "before: x", toFile: "after", context: c.n)
            XCTAssertEqual(scalars(diff), scalars(want.diff), "unified diff of case \(index)")
            XCTAssertEqual(scalars(c.text.pythonLinesKeepingEnds), scalars(want.lines), "lines of case \(index)")
            if c.b.count >= 200 { autojunkCases += 1 }
        }
        XCTAssertGreaterThan(autojunkCases, 30)
        // The autojunk rule matters here: without it, some long case's blocks would differ.
        let differing = zip(cases, expected).filter { c, want in
            c.b.count >= 200 && SequenceMatcher(scalars(c.a), scalars(c.b), autojunk: false)
                .matchingBlocks().map { [$0.a, $0.b, $0.size] } != want.blocks
        }
        XCTAssertFalse(differing.isEmpty, "no generated case exercises autojunk")
    }

    func testEqualInputsGiveNoDiffAndHunkRanges() {
        XCTAssertEqual(UnifiedDiff.lines(["a\n"], ["a\n"]), [])
        XCTAssertEqual(UnifiedDiff.lines([], []), [])
        XCTAssertEqual(UnifiedDiff.lines([], ["new\n"], fromFile: "before", toFile: "after: f"),
                       ["--- before\n", "+++ after: f\n", "@@ -0,0 +1 @@\n", "+new\n"])
    }
}
