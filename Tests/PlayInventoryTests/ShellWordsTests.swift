import XCTest
@testable import PlayInventory

/// Expectations checked against Python's shlex.split(line, comments=True).
final class ShellWordsTests: XCTestCase {
    func testSplitting() throws {
        XCTAssertEqual(try ShellWords.split("web1 a=1  b=2\t c=3"), ["web1", "a=1", "b=2", "c=3"])
        XCTAssertEqual(try ShellWords.split("a=b#c d"), ["a=b"])
        XCTAssertEqual(try ShellWords.split("a=b #c"), ["a=b"])
        XCTAssertEqual(try ShellWords.split("x=\"a#b\" y"), ["x=a#b", "y"])
        XCTAssertEqual(try ShellWords.split("x='it''s'"), ["x=its"])
        XCTAssertEqual(try ShellWords.split(#"x=a\ b"#), ["x=a b"])
        XCTAssertEqual(try ShellWords.split(#"h x="a\"b" y="c\d""#), ["h", #"x=a"b"#, #"y=c\d"#])
        XCTAssertEqual(try ShellWords.split("x=\"\""), ["x="])
        XCTAssertEqual(try ShellWords.split("''"), [""])
        XCTAssertEqual(try ShellWords.split("# only a comment"), [])
    }

    func testErrors() {
        XCTAssertThrowsError(try ShellWords.split("x='open")) { XCTAssertEqual($0 as? ShellWords.SplitError, .noClosingQuotation) }
        XCTAssertThrowsError(try ShellWords.split("x=\"open")) { XCTAssertEqual($0 as? ShellWords.SplitError, .noClosingQuotation) }
        XCTAssertThrowsError(try ShellWords.split("x=\\")) { XCTAssertEqual($0 as? ShellWords.SplitError, .noEscapedCharacter) }
    }
}
