import Foundation
import OrderedCollections
import PlayBase
import XCTest
@testable import PlayApp

final class ExtraVarsTests: XCTestCase {
    private let loader = YAMLLoader()

    func testKeyValuesStayStringsAndQuotesGroupWords() throws {
        let vars = try ExtraVars.parse(["version=2 name=\"two words\" path='a b'"], loader: loader)
        XCTAssertEqual(vars, ["version": .string("2"), "name": .string("two words"), "path": .string("a b")])
    }

    func testInlineMappingKeepsTypesAndLaterArgumentsWin() throws {
        let vars = try ExtraVars.parse(["{\"version\": 2, \"debug\": true}", "version=3"], loader: loader)
        XCTAssertEqual(vars, ["version": .string("3"), "debug": .bool(true)])
    }

    func testAtFileLoadsAYAMLMapping() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("extra-vars-\(getpid()).yml").path
        try "region: eu-west-1\nreplicas: 3\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let vars = try ExtraVars.parse(["@\(path)"], loader: loader)
        XCTAssertEqual(vars, ["region": .string("eu-west-1"), "replicas": .int(3)])
    }

    func testAListIsRefusedWithAnExample() {
        XCTAssertThrowsError(try ExtraVars.parse(["[1, 2]"], loader: loader)) { error in
            let diagnostic = error as? Diagnostic
            XCTAssertEqual(diagnostic?.message, "extra vars must be key=value pairs or a mapping")
            XCTAssertFalse(diagnostic?.notes.isEmpty ?? true)
        }
    }

    func testAWordWithoutEqualsAndUnbalancedQuotesAreErrors() {
        XCTAssertThrowsError(try ExtraVars.parse(["version"], loader: loader)) { error in
            XCTAssertEqual((error as? Diagnostic)?.message, "'version' is not key=value")
        }
        XCTAssertThrowsError(try ExtraVars.parse(["name=\"open"], loader: loader)) { error in
            XCTAssertEqual((error as? Diagnostic)?.message, "unbalanced quotes in 'name=\"open'")
        }
    }
}
