import XCTest
@testable import PlayBase

final class ValueJSONTests: XCTestCase {
    func testParsesScalarsKeepingIntsAndDoublesApart() throws {
        let cases: [(String, Value)] = [
            ("1", 1), ("-0", 0), ("-12", -12), ("1.0", 1.0), ("1e2", 100.0), ("1E-2", 0.01), ("2.5e+3", 2500.0),
            ("true", true), ("false", false), ("null", nil), ("\"x\"", "x"),
            ("9223372036854775807", .int(Int.max)), ("-9223372036854775808", .int(Int.min)),
            ("92233720368547758070", .double(9.223372036854776e19)),
            ("  [ ]  ", []), ("{}", .emptyDict),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try Value.parseJSON(text), expected, text)
        }
    }

    func testObjectsKeepKeyOrder() throws {
        let v = try Value.parseJSON(#"{"z": 1, "a": [1, 2.5, {"m": null}], "b": {"y": true, "x": false}}"#)
        XCTAssertEqual(Array(v.dictValue!.keys), ["z", "a", "b"])
        XCTAssertEqual(Array(v["b"]!.dictValue!.keys), ["y", "x"])
        XCTAssertEqual(v["a"], [1, 2.5, ["m": nil]])
    }

    func testRepeatedKeyKeepsLastValue() throws {
        XCTAssertEqual(try Value.parseJSON(#"{"a": 1, "b": 2, "a": 3}"#), ["a": 3, "b": 2])
    }

    func testStringEscapes() throws {
        let v = try Value.parseJSON(#""a\"b\\c\/d\n\t\r\b\f\u00e9\ud83d\ude00""#)
        XCTAssertEqual(v, .string("a\"b\\c/d\n\t\r\u{08}\u{0C}é😀"))
        XCTAssertEqual(try Value.parseJSON("\"héllo ✓\""), "héllo ✓")
    }

    func testErrorsCarryOffsetLineAndColumn() {
        let cases: [(String, String, Int)] = [
            ("", "Expecting value", 0),
            ("[1, 2", "Expecting ',' delimiter", 5),
            ("{\"a\" 1}", "Expecting ':' delimiter", 5),
            ("{a: 1}", "Expecting property name enclosed in double quotes", 1),
            ("[1,]", "Expecting value", 3),
            ("\"abc", "Unterminated string starting at", 0),
            ("1 2", "Extra data", 2),
            ("\"\\x\"", "Invalid \\escape", 1),
            ("tru", "Expecting value", 0),
            ("\"a\nb\"", "Invalid control character at", 2),
        ]
        for (text, message, offset) in cases {
            XCTAssertThrowsError(try Value.parseJSON(text), text) { error in
                let e = error as? JSONParseError
                XCTAssertEqual(e?.message, message, text)
                XCTAssertEqual(e?.offset, offset, text)
            }
        }
        XCTAssertThrowsError(try Value.parseJSON("{\n  \"a\": [1,\n  oops]\n}")) { error in
            let e = error as? JSONParseError
            XCTAssertEqual(e?.line, 3)
            XCTAssertEqual(e?.column, 3)
            XCTAssertEqual(e?.description, "Expecting value: line 3 column 3 (char 15)")
        }
    }

    func testWritesLikePythonJSONDumps() {
        let v: Value = ["b": 1, "a": [1.0, 1e20, 0.5, "x\"y\n\u{01}", nil, true], "c": .emptyDict, "d": []]
        XCTAssertEqual(v.jsonString(), #"{"b": 1, "a": [1.0, 1e+20, 0.5, "x\"y\n\u0001", null, true], "c": {}, "d": []}"#)
        XCTAssertEqual(v.jsonString(sortKeys: true), #"{"a": [1.0, 1e+20, 0.5, "x\"y\n\u0001", null, true], "b": 1, "c": {}, "d": []}"#)
    }

    func testPrettyMatchesToNiceJSON() {
        let v: Value = ["b": [1, ["x": "y"]], "a": .emptyDict]
        XCTAssertEqual(v.jsonString(sortKeys: true, pretty: true), """
        {
            "a": {},
            "b": [
                1,
                {
                    "x": "y"
                }
            ]
        }
        """)
    }

    func testAsciiOnlyEscapesLikeEnsureAscii() {
        XCTAssertEqual(Value.string("é😀").jsonString(asciiOnly: true), #""\u00e9\ud83d\ude00""#)
        XCTAssertEqual(Value.string("é").jsonString(), "\"é\"")
    }

    func testRoundTrip() throws {
        let v: Value = ["name": "web", "ports": [80, 443], "ratio": 0.25, "tags": ["a": "1"], "none": nil, "t": "\u{7f}\t"]
        XCTAssertEqual(try Value.parseJSON(v.jsonString()), v)
        XCTAssertEqual(try Value.parseJSON(v.jsonString(pretty: true)), v)
    }

    func testNonFiniteDoublesFollowPython() throws {
        XCTAssertEqual(Value.list([.double(.infinity), .double(-.infinity)]).jsonString(), "[Infinity, -Infinity]")
        XCTAssertEqual(try Value.parseJSON("[Infinity, -Infinity]"), [.double(.infinity), .double(-.infinity)])
        XCTAssertTrue(try Value.parseJSON("NaN").doubleValue!.isNaN)
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
        XCTAssertThrowsError(try Value.parseJSON(text))
    }

    /// A large document round-trips whole (its speed belongs in bench/, not here).
    func testLargeDocumentRoundTrips() throws {
        var items: [Value] = []
        for i in 0..<20_000 { items.append(["id": .int(i), "name": .string("item-\(i)"), "w": .double(Double(i) / 4)]) }
        let text = Value.list(items).jsonString()
        let parsed = try Value.parseJSON(text)
        XCTAssertEqual(parsed.listValue?.count, 20_000)
        XCTAssertEqual(parsed.listValue?[19_999], ["id": 19_999, "name": "item-19999", "w": .double(4999.75)])
        XCTAssertEqual(parsed.jsonString(), text)
    }
}
