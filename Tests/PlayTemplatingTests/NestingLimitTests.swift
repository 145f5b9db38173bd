import Foundation
import OrderedCollections
import PlayBase
import PlayTestSupport
import XCTest
@testable import PlayTemplating

/// Expressions and blocks nested without end are refused with a syntax error, not a crash of
/// the recursive parser, evaluator or tree; deep but reasonable ones still render, on a quarter of a pool thread's stack.
final class NestingLimitTests: XCTestCase {
    let templar = Templar()
    let vars = VariableLayers([["x": 1]])

    private func assertRefused(_ text: String, _ words: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try templar.renderTemplate(text, vars), file: file, line: line) { error in
            guard case .syntax(let message, _, _) = error as? TemplateError else {
                return XCTFail("expected a syntax error, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(message.contains(words), message, file: file, line: line)
        }
    }

    func testExpressionsNestedWithoutEndAreRefused() {
        let n = 1_000
        let words = "nests more than \(ExpressionParser.maxDepth) levels deep"
        assertRefused("{{ " + String(repeating: "(", count: n) + "x" + String(repeating: ")", count: n) + " }}", words)
        assertRefused("{{ " + String(repeating: "[", count: n) + String(repeating: "]", count: n) + " }}", words)
        assertRefused("{{ " + String(repeating: "not ", count: n) + "x }}", words)
        assertRefused("{{ " + String(repeating: "-", count: n) + "x }}", words)
        assertRefused("{{ x" + String(repeating: " + x", count: n) + " }}", words)
        assertRefused("{{ x" + String(repeating: " | string", count: n) + " }}", words)
        assertRefused("{{ x" + String(repeating: " or x", count: n) + " }}", words)
        assertRefused("{{ x" + String(repeating: "[0]", count: n) + " }}", words)
    }

    func testBlocksNestedWithoutEndAreRefused() {
        let n = 1_000
        assertRefused(String(repeating: "{% if x %}", count: n) + String(repeating: "{% endif %}", count: n),
                      "blocks nest more than 100 deep")
        assertRefused(String(repeating: "{% for i in [1] %}", count: n) + String(repeating: "{% endfor %}", count: n),
                      "blocks nest more than 100 deep")
    }

    func testDeepButReasonableTemplatesRenderOnASmallStack() throws {
        // Far beyond real templates, still inside the limits.
        let parens = "{{ " + String(repeating: "(", count: 49) + "x" + String(repeating: ")", count: 49) + " }}"
        let sum = "{{ x" + String(repeating: " + x", count: 190) + " }}"
        let blocks = String(repeating: "{% if x %}", count: 100) + "deep" + String(repeating: "{% endif %}", count: 100)
        let rendered = try StackLimitedThread.run { [templar, vars] in
            [try templar.renderTemplate(parens, vars), try templar.renderTemplate(sum, vars), try templar.renderTemplate(blocks, vars)]
        }
        XCTAssertEqual(rendered, ["1", "191", "deep"])
    }

}
