import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage
import PlayModules
import XCTest

/// The one argument checker in its two modes, against the real modules' specs.
final class ArgumentCheckerTests: XCTestCase {
    func spec(_ name: String) throws -> ModuleSpec { try XCTUnwrap(TestCatalog.catalog.spec(named: name)) }

    func testParseModeLeavesTemplatesForRunTime() throws {
        let file = try spec("file")
        XCTAssertEqual(ArgumentChecker.problems(["path": "/x", "state": "{{ s }}"], against: file), [])
        XCTAssertEqual(ArgumentChecker.problems(["path": "/x", "state": "bogus"], against: file),
                       [.notAChoice(argument: "state", text: "bogus", choices: ["absent", "directory", "file", "hard", "link", "touch"])])
    }

    func testRunModeConvertsFillsDefaultsAndUsesCanonicalNames() throws {
        let args = try ArgumentChecker.checked(["port": "8080", "delay": 1], against: try spec("wait_for"))
        XCTAssertEqual(args["port"], 8080)
        XCTAssertEqual(args["delay"], .double(1))
        XCTAssertEqual(args["state"], "started", "a default is filled")
        XCTAssertEqual(try ArgumentChecker.checked(["dest": "/x"], against: try spec("file"))["path"], "/x")
    }

    func testRunModeNamesTheArgumentThatFailed() throws {
        XCTAssertThrowsError(try ArgumentChecker.checked(["path": "/x", "state": "bogus"], against: try spec("file"))) { error in
            let problem = error as? ArgumentProblem
            XCTAssertEqual(problem?.argument, "state")
            XCTAssertEqual(problem?.message, "value of state must be one of: absent, directory, file, hard, link, touch, got: bogus")
        }
        XCTAssertThrowsError(try ArgumentChecker.checked(["port": "eighty"], against: try spec("wait_for"))) { error in
            XCTAssertEqual((error as? ArgumentProblem)?.argument, "port")
        }
    }

    func testRunModeReportsUnknownNamesTogetherAfterValues() throws {
        let command = try spec("command")
        XCTAssertThrowsError(try ArgumentChecker.checked(["_raw_params": "ls", "b": 1, "a": 2], against: command)) { error in
            guard case .unsupported(let keys, "command", _)? = error as? ArgumentProblem else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(keys, ["b", "a"])
            XCTAssertTrue("\(error)".hasPrefix("Unsupported parameters for (command) module: a, b."), "\(error)")
        }
    }

    func testParseModeReportsEachProblemWithItsPlace() throws {
        let copy = try spec("copy")
        let at = SourceLocation(file: "p.yml", line: 3, column: 5)
        let srcAt = SourceLocation(file: "p.yml", line: 4, column: 7)
        let problems = ArgumentChecker.problems(["src": "a", "content": "b", "dset": "c"], against: copy)
        let diagnostics = problems.flatMap { $0.diagnostics(module: "copy", spec: copy, locations: ["src": srcAt], at: at) }
        XCTAssertEqual(diagnostics.map(\.message), [
            "unsupported argument 'dset' for module 'copy'",
            "missing required argument 'dest' for module 'copy'",
            "arguments 'content' and 'src' of 'copy' are mutually exclusive",
        ])
        XCTAssertEqual(diagnostics[0].notes, ["did you mean 'dest'?"])
        XCTAssertEqual(diagnostics[2].location, srcAt)
    }
}
