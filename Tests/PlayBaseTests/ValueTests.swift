import XCTest
@testable import PlayBase

final class ValueTests: XCTestCase {
    func testTruthinessFollowsPython() {
        XCTAssertFalse(Value.null.isTruthy)
        XCTAssertFalse(Value.string("").isTruthy)
        XCTAssertTrue(Value.string("0").isTruthy)
        XCTAssertFalse(Value.int(0).isTruthy)
        XCTAssertFalse(Value.list([]).isTruthy)
        XCTAssertTrue(Value.dict(["a": 1]).isTruthy)
    }

    func testPythonReprOfCollections() {
        let v: Value = ["a", 1, 2.0, true, nil, ["k": "it's"]]
        XCTAssertEqual(v.pythonRepr, "['a', 1, 2.0, True, None, {'k': \"it's\"}]")
    }

    func testYAMLScalarsResolveAsYAML11() throws {
        let loader = YAMLLoader()
        let nodes = try loader.parseDocuments("a: yes\nb: '1'\nc: 1\nd: 1.5\ne: ~\nf: [x, y]\n", file: "t.yml")
        let v = try loader.value(from: nodes[0], file: "t.yml")
        XCTAssertEqual(v, ["a": true, "b": "1", "c": 1, "d": 1.5, "e": nil, "f": ["x", "y"]])
    }

    func testYAMLSyntaxErrorNamesFileAndLine() {
        XCTAssertThrowsError(try YAMLLoader().parseDocuments("a: [1, 2\nb: 3\n", file: "bad.yml")) { error in
            let d = error as? Diagnostic
            XCTAssertEqual(d?.location?.file, "bad.yml")
            XCTAssertNotNil(d?.location?.line)
        }
    }
}
