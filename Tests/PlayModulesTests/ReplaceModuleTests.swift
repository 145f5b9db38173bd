import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
@testable import PlayModules
import XCTest

/// replace against real files through the local connection; texts and messages as ansible-core 2.19 gives them.
final class ReplaceModuleTests: XCTestCase {
    let harness = ModuleHarness()

    func testReplacesEveryMatchWithGroupsThenIsIdempotent() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f", "a\nb\n", mode: 0o640)
        let r = try await harness.run(ReplaceModule(), ["path": .string(path), "regexp": #"^(\w)$"#, "replace": #"x\1"#])
        XCTAssertFalse(r.failed, r.message ?? "")
        XCTAssertEqual(r.values, ["rc": 0, "msg": "2 replacements made", "changed": true])
        XCTAssertEqual(dir.read("f"), "xa\nxb\n")
        XCTAssertEqual(dir.mode("f"), 0o640)
        let again = try await harness.run(ReplaceModule(), ["path": .string(path), "regexp": "zzz", "replace": "q"])
        XCTAssertEqual(again.values, ["rc": 0, "msg": "", "changed": false])
        let same = try await harness.run(ReplaceModule(), ["dest": .string(path), "regexp": #"^(x)"#, "replace": #"\g<1>"#])
        XCTAssertFalse(same.changed, "a replacement that changes nothing is no change")
    }

    func testAfterAndBeforeLimitTheSection() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f", "start\nfoo=1\n# BEGIN\nfoo=2\nfoo=3\n# END\nfoo=4\n")
        let r = try await harness.run(ReplaceModule(), ["path": .string(path), "regexp": #"^foo=(\d)"#, "replace": #"bar=\1"#,
                                                        "after": "# BEGIN", "before": "# END"])
        XCTAssertEqual(r.message, "2 replacements made")
        XCTAssertEqual(dir.read("f"), "start\nfoo=1\n# BEGIN\nbar=2\nbar=3\n# END\nfoo=4\n")
        let none = try await harness.run(ReplaceModule(), ["path": .string(path), "regexp": "foo", "after": "# NONE"])
        XCTAssertFalse(none.changed)
        XCTAssertFalse(none.failed)
        XCTAssertEqual(none.message, "Pattern for before/after params did not match the given file: # NONE(?P<subsection>.*)")
    }

    func testBackupCheckModeDiffAndFailures() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f", "old\n")
        var check = harness
        check.checkMode = true
        check.diffMode = true
        let preview = try await check.run(ReplaceModule(), ["path": .string(path), "regexp": "old", "replace": "new"])
        XCTAssertTrue(preview.changed)
        XCTAssertEqual(dir.read("f"), "old\n")
        XCTAssertEqual(preview["diff"], ["before_header": .string(path), "before": "old\n", "after_header": .string(path),
                                         "after": "new\n"])
        let r = try await harness.run(ReplaceModule(), ["path": .string(path), "regexp": "old", "replace": "new", "backup": true])
        let backup = try XCTUnwrap(r.string("backup_file"))
        XCTAssertEqual(try String(contentsOfFile: backup, encoding: .utf8), "old\n")
        XCTAssertEqual(dir.read("f"), "new\n")
        XCTAssertNil(r["diff"], "no diff unless asked for")
        let missing = try await harness.run(ReplaceModule(), ["path": .string(dir.file("none")), "regexp": "x"])
        XCTAssertEqual(missing.message, "Path \(dir.file("none")) does not exist !")
        XCTAssertEqual(missing["rc"], 257)
        XCTAssertEqual(harness.argumentError(ReplaceModule(), ["path": "/x"]), "missing required arguments: regexp")
    }

    func testSectionRulesWithoutIO() throws {
        XCTAssertEqual(try ReplaceModule.replace(in: "a b a", regexp: "a", with: "c", after: nil, before: nil),
                       .replaced("c b c", count: 2))
        XCTAssertEqual(try ReplaceModule.replace(in: "x\ny\n", regexp: "^y$", with: "z", after: nil, before: nil),
                       .replaced("x\nz\n", count: 1), "MULTILINE: ^ and $ work per line")
        XCTAssertEqual(try ReplaceModule.replace(in: "k=1 k=2", regexp: #"(?P<key>k)=(\d)"#, with: #"\g<key>:\2"#, after: nil,
                                                 before: nil), .replaced("k:1 k:2", count: 2))
        XCTAssertEqual(try ReplaceModule.replace(in: "a\n", regexp: #"a\Z"#, with: "b", after: nil, before: nil), .unchanged,
                       "Python's \\Z is the very end, after the final newline")
        XCTAssertEqual(try ReplaceModule.replace(in: "a\n", regexp: #"a\n\Z"#, with: "b", after: nil, before: nil),
                       .replaced("b", count: 1))
        XCTAssertEqual(try ReplaceModule.replace(in: #"a\Zb"#, regexp: #"\\Z"#, with: "-", after: nil, before: nil),
                       .replaced("a-b", count: 1), "an escaped backslash before Z is a literal")
    }
}
