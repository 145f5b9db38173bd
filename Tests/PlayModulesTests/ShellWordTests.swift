import Foundation
@testable import PlayModules
import PlayBase
import PlayTemplating
import XCTest

/// The pure helpers behind the module scripts, checked against what a real `sh` makes of them
/// (quoting and splitting themselves are tested with `ShellWords` in PlayBaseTests).
final class ShellWordTests: XCTestCase {
    /// The words `sh` makes of `words` (printed NUL-separated, so words may hold newlines).
    private func shell(_ words: String, environment: [String: String] = [:]) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "for w in \(words); do printf '%s\\0' \"$w\"; done"]
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PLAY_UNSET")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    func testExpandedBehavesLikePythonExpandvarsAndExpanduser() throws {
        let env = ["PLAY_A": "x y", "HOME": "/home/tester"]
        let cases: [(String, String)] = [
            ("$PLAY_A", "x y"),
            ("${PLAY_A}/z", "x y/z"),
            ("$PLAY_UNSET", "$PLAY_UNSET"),
            ("${PLAY_UNSET}", "${PLAY_UNSET}"),
            ("~", "/home/tester"),
            ("~/a b", "/home/tester/a b"),
            ("a~b", "a~b"),
            ("$1x", "$1x"),
            ("cost: $5", "cost: $5"),
            ("'quoted' $PLAY_A", "'quoted' x y"),
            ("*", "*"),
            ("", ""),
        ]
        let words = cases.map { ShellWord.expanded($0.0) }.joined(separator: " ")
        XCTAssertEqual(try shell(words, environment: env), cases.map(\.1))
        XCTAssertEqual(try shell(ShellWord.expanded("~root/x")), ["/root/x"])
    }

    func testGlobKeepsPatternsActiveAndEverythingElseLiteral() throws {
        let dir = try TemporaryDirectory()
        for name in ["a 1.txt", "a 2.txt", "b.log", "$x.txt"] { try dir.write(name, "") }
        XCTAssertEqual(try shell(ShellWord.glob(dir.path + "/a *.txt")), [dir.file("a 1.txt"), dir.file("a 2.txt")])
        XCTAssertEqual(try shell(ShellWord.glob(dir.path + "/[ab]*")), [dir.file("a 1.txt"), dir.file("a 2.txt"), dir.file("b.log")])
        XCTAssertEqual(try shell(ShellWord.glob(dir.path + "/?.log")), [dir.file("b.log")])
        XCTAssertEqual(try shell(ShellWord.glob(dir.path + "/none*")), [dir.path + "/none*"], "no match stays as written")
    }

    func testFileModeReadsAnsibleForms() throws {
        XCTAssertEqual(try FileMode.parse(.int(0o644)), .octal(0o644))
        XCTAssertEqual(try FileMode.parse("0644"), .octal(0o644))
        XCTAssertEqual(try FileMode.parse("644"), .octal(0o644))
        XCTAssertEqual(try FileMode.parse("0o1777"), .octal(0o1777))
        XCTAssertEqual(try FileMode.parse("u=rwX,g=rX,o="), .symbolic("u=rwX,g=rX,o="))
        XCTAssertEqual(try FileMode.parse("a+x"), .symbolic("a+x"))
        XCTAssertEqual(try FileMode.parse("ug=o"), .symbolic("ug=o"))
        XCTAssertEqual(try FileMode.parse("preserve", allowPreserve: true), .preserve)
        XCTAssertNil(try FileMode.parse(nil))
        XCTAssertThrowsError(try FileMode.parse("preserve"))
        XCTAssertThrowsError(try FileMode.parse("rwxr-xr-x"))
        XCTAssertThrowsError(try FileMode.parse("09"))
        XCTAssertThrowsError(try FileMode.parse(.int(70000)))
        XCTAssertEqual(FileMode.octalText(0o4755), "4755")
        XCTAssertEqual(FileMode.octalText(0), "0000")
    }

    func testPythonFormats() {
        XCTAssertEqual(PythonFormat.timeDelta(.microseconds(3456)), "0:00:00.003456")
        XCTAssertEqual(PythonFormat.timeDelta(.seconds(1)), "0:00:01")
        XCTAssertEqual(PythonFormat.timeDelta(.seconds(90_061)), "1 day, 1:01:01")
        XCTAssertEqual(PythonFormat.splitLines("a\r\nb\rc\n\nd\u{0B}e\n"), ["a", "b", "c", "", "d", "e"])
        XCTAssertEqual(PythonFormat.splitLines(""), [])
        XCTAssertEqual(PythonFormat.stripTrailingNewlines("x\n\r\n"), "x")
        XCTAssertEqual(StrftimeFormat.pattern("%Y%m%d%H%M.%S"), "yyyyMMddHHmm'.'ss")
        XCTAssertNil(StrftimeFormat.pattern("%Q"))
    }
}
