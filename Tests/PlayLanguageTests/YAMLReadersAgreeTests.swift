import PlayBase
import XCTest
@testable import PlayLanguage

/// Playbooks are read by YAMLTreeBuilder, everything else by PlayBase's YAMLLoader (see the
/// top of YAMLTree.swift for why there are two): a scalar must mean the same in both.
final class YAMLReadersAgreeTests: XCTestCase {
    static let scalars = [
        "~", "null", "Null", "NULL", "", "yes", "Yes", "NO", "on", "OFF", "true", "False", "y", "n",
        "0", "7", "-7", "+7", "0x1F", "0b101", "0o17", "017", "08", "1_000", "1:30", "-1:30", "190:20:30", "1:60",
        "99999999999999999999", "1.5", "-1.5", ".5", "+.5e+3", ".5e3", "1e3", "1.0e-3", "6.8523015e+5", "1:30.5",
        ".inf", "-.Inf", "+.INF", ".NaN", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "1.2.3", "0.", "1_", "=",
        "'1'", "\"yes\"", "!!str 5", "!!int 5", "!!int 0x10", "!!float 1", "!!bool yes", "!!null ~", "!!int x",
        "! 5", "!unsafe '{{ x }}'", "|\n    5\n", "text with: colon", "-", "-.5",
    ]

    func testEveryKindOfScalarResolvesTheSameInBothReaders() throws {
        let text = Self.scalars.map { "- \($0)" }.joined(separator: "\n") + "\n"
        let loader = YAMLLoader()
        let viaYams = try loader.value(from: try XCTUnwrap(loader.parseDocuments(text, file: "t.yml").first), file: "t.yml")
        let viaTree = try XCTUnwrap(YAMLTreeBuilder.documents(text, file: "t.yml").first).value(file: "t.yml", secrets: nil)
        let yams = try XCTUnwrap(viaYams.listValue), tree = try XCTUnwrap(viaTree.listValue)
        XCTAssertEqual(yams.count, Self.scalars.count)
        XCTAssertEqual(tree.count, Self.scalars.count)
        for (scalar, (a, b)) in zip(Self.scalars, zip(yams, tree)) {
            if case .double(let x) = a, case .double(let y) = b, x.isNaN, y.isNaN { continue }
            XCTAssertEqual(a, b, "`\(scalar)`: YAMLLoader gives \(a), YAMLTreeBuilder gives \(b)")
        }
    }

    /// Both readers refuse a document that nests too deep or whose aliases expand without end,
    /// at the same position.
    func testBothReadersRefuseTheSameHostileDocuments() throws {
        let laughs = (["a: &a [" + Array(repeating: "lol", count: 10).joined(separator: ",") + "]"]
            + zip("bcdefghi", "abcdefgh").map { "\($0): &\($0) [" + Array(repeating: "*\($1)", count: 10).joined(separator: ",") + "]" })
            .joined(separator: "\n")
        let deep = String(repeating: "- ", count: 300) + "x"
        for (text, words) in [(laughs, "expand to more than 1000000 values"), (deep, "nests more than 200 levels deep")] {
            var positions: [SourceLocation?] = []
            for read in [{ _ = try YAMLLoader().parseDocuments(text, file: "h.yml") },
                         { _ = try YAMLTreeBuilder.documents(text, file: "h.yml") }] as [() throws -> Void] {
                XCTAssertThrowsError(try read()) { error in
                    let diagnostic = error as? Diagnostic
                    XCTAssertTrue(diagnostic?.message.contains(words) == true, "\(error)")
                    positions.append(diagnostic?.location)
                }
            }
            XCTAssertEqual(positions.count, 2)
            XCTAssertEqual(positions.first, positions.last)
        }
    }
}
