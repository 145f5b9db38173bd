import PlayBase
import XCTest
@testable import PlayInventory

/// Expectations checked against Python 3.11's ast.literal_eval.
final class PythonLiteralTests: XCTestCase {
    func testNumbers() {
        XCTAssertEqual(PythonLiteral.parse("5"), .int(5))
        XCTAssertEqual(PythonLiteral.parse("-5"), .int(-5))
        XCTAssertEqual(PythonLiteral.parse("- 5"), .int(-5))
        XCTAssertEqual(PythonLiteral.parse("+7"), .int(7))
        XCTAssertEqual(PythonLiteral.parse("00"), .int(0))
        XCTAssertEqual(PythonLiteral.parse("1_000"), .int(1000))
        XCTAssertEqual(PythonLiteral.parse("0x1F"), .int(31))
        XCTAssertEqual(PythonLiteral.parse("0o17"), .int(15))
        XCTAssertEqual(PythonLiteral.parse("0b101"), .int(5))
        XCTAssertEqual(PythonLiteral.parse("1.5"), .double(1.5))
        XCTAssertEqual(PythonLiteral.parse(".5"), .double(0.5))
        XCTAssertEqual(PythonLiteral.parse("1."), .double(1.0))
        XCTAssertEqual(PythonLiteral.parse("1e3"), .double(1000))
        XCTAssertEqual(PythonLiteral.parse("2.5E-1"), .double(0.25))
        XCTAssertEqual(PythonLiteral.parse(" 5 "), .int(5))
        XCTAssertEqual(PythonLiteral.parse("5 # comment"), .int(5))
    }

    func testNotNumbers() {
        for text in ["010", "--5", "1j", "5abc", "inf", "nan", "1e", "0x", "1__0", "1.2.3", ""] {
            XCTAssertNil(PythonLiteral.parse(text), text)
        }
    }

    func testWords() {
        XCTAssertEqual(PythonLiteral.parse("True"), .bool(true))
        XCTAssertEqual(PythonLiteral.parse("False"), .bool(false))
        XCTAssertEqual(PythonLiteral.parse("None"), .null)
        XCTAssertEqual(PythonLiteral.parse("..."), .string("..."))
        for text in ["true", "yes", "no", "hello", "hello world", "a=b", "front"] {
            XCTAssertNil(PythonLiteral.parse(text), text)
        }
    }

    func testStrings() {
        XCTAssertEqual(PythonLiteral.parse("'a b'"), .string("a b"))
        XCTAssertEqual(PythonLiteral.parse("\"quoted\""), .string("quoted"))
        XCTAssertEqual(PythonLiteral.parse("'a' \"b\""), .string("ab"))
        XCTAssertEqual(PythonLiteral.parse(#""\x41\n\t\u00e9\101""#), .string("A\n\té\u{41}"))
        XCTAssertEqual(PythonLiteral.parse(#"r'\d+'"#), .string(#"\d+"#))
        XCTAssertEqual(PythonLiteral.parse(#"'\q'"#), .string(#"\q"#))
        XCTAssertEqual(PythonLiteral.parse("b'raw'"), .string("raw"))
        XCTAssertEqual(PythonLiteral.parse("'''tri'ple'''"), .string("tri'ple"))
        XCTAssertNil(PythonLiteral.parse("'open"))
        XCTAssertNil(PythonLiteral.parse("f'x'"))
        XCTAssertNil(PythonLiteral.parse("'a' b'b'"))
        XCTAssertNil(PythonLiteral.parse("'a' + 'b'"))
    }

    func testContainers() {
        XCTAssertEqual(PythonLiteral.parse("[1, 'a', None]"), .list([1, "a", nil]))
        XCTAssertEqual(PythonLiteral.parse("[]"), .list([]))
        XCTAssertEqual(PythonLiteral.parse("[1, 2,]"), .list([1, 2]))
        XCTAssertEqual(PythonLiteral.parse("(1, 2)"), .list([1, 2]))
        XCTAssertEqual(PythonLiteral.parse("(1,)"), .list([1]))
        XCTAssertEqual(PythonLiteral.parse("(1)"), .int(1))
        XCTAssertEqual(PythonLiteral.parse("()"), .list([]))
        XCTAssertEqual(PythonLiteral.parse("1, 2"), .list([1, 2]))
        XCTAssertEqual(PythonLiteral.parse("{'k': 'v', 'n': [1, {'x': True}]}"), .dict(["k": "v", "n": [1, ["x": true]]]))
        XCTAssertEqual(PythonLiteral.parse("{}"), .dict([:]))
        XCTAssertEqual(PythonLiteral.parse("{1: 'one'}"), .dict(["1": "one"]))
        XCTAssertEqual(PythonLiteral.parse("{1, 2, 2}"), .list([1, 2]))
        XCTAssertNil(PythonLiteral.parse("[1, 2"))
        XCTAssertNil(PythonLiteral.parse("[1 2]"))
        XCTAssertNil(PythonLiteral.parse("{'a': }"))
        XCTAssertNil(PythonLiteral.parse("{[1]: 2}"))
        XCTAssertNil(PythonLiteral.parse("[x]"))
    }
}
