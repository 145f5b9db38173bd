import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
@testable import PlayModules
import XCTest

/// lineinfile against real files through the local connection; expected texts and messages are
/// what ansible-core 2.19 produces for the same input.
final class LineInFileModuleTests: XCTestCase {
    let harness = ModuleHarness()

    func testAddsAtEndThenIsIdempotent() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("hosts", "a\nb")
        let r = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "c"])
        XCTAssertFalse(r.failed, r.message ?? "")
        XCTAssertTrue(r.changed)
        XCTAssertEqual(r.message, "line added")
        XCTAssertEqual(r["backup"], "")
        XCTAssertEqual(dir.read("hosts"), "a\nb\nc\n", "a missing final newline is added before the line")
        XCTAssertEqual(r["diff"], .list([
            ["before": "", "after": "", "before_header": .string("\(path) (content)"), "after_header": .string("\(path) (content)")],
            ["before_header": .string("\(path) (file attributes)"), "after_header": .string("\(path) (file attributes)")],
        ]), "the diff is there without diff mode, its texts empty, as in Ansible")
        let again = try await harness.run(LineInFileModule(), ["dest": .string(path), "line": "c"])
        XCTAssertFalse(again.changed)
        XCTAssertEqual(again.message, "")
    }

    func testRegexpReplacesLastMatchOrFirstWithFirstmatch() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("conf", "port=1\nname=x\nport=2\n", mode: 0o640)
        let r = try await harness.run(LineInFileModule(), ["path": .string(path), "regexp": "^port=", "line": "port=80"])
        XCTAssertEqual(r.message, "line replaced")
        XCTAssertEqual(dir.read("conf"), "port=1\nname=x\nport=80\n")
        XCTAssertEqual(dir.mode("conf"), 0o640, "the replaced file keeps its mode")
        let first = try await harness.run(LineInFileModule(), ["path": .string(path), "regex": "^port=", "line": "port=80",
                                                               "firstmatch": true])
        XCTAssertTrue(first.changed)
        XCTAssertEqual(dir.read("conf"), "port=80\nname=x\nport=80\n")
        let again = try await harness.run(LineInFileModule(), ["path": .string(path), "regexp": "^port=", "line": "port=80"])
        XCTAssertFalse(again.changed)
    }

    func testBackrefsAndSearchString() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f", "user=alice # comment\nother\n")
        let r = try await harness.run(LineInFileModule(), ["path": .string(path), "regexp": #"^user=(\w+)(.*)$"#,
                                                           "line": #"owner=\1\2"#, "backrefs": true])
        XCTAssertEqual(r.message, "line replaced")
        XCTAssertEqual(dir.read("f"), "owner=alice # comment\nother\n")
        let none = try await harness.run(LineInFileModule(), ["path": .string(path), "regexp": "^nomatch(.*)",
                                                              "line": #"x\1"#, "backrefs": true])
        XCTAssertFalse(none.changed, "backrefs without a match leave the file alone")
        let search = try await harness.run(LineInFileModule(), ["path": .string(path), "search_string": "other",
                                                                "line": "another = 1"])
        XCTAssertEqual(search.message, "line replaced")
        XCTAssertEqual(dir.read("f"), "owner=alice # comment\nanother = 1\n")
        XCTAssertEqual(harness.argumentError(LineInFileModule(), ["path": "/x", "regexp": "a", "search_string": "b", "line": "c"]),
                       "parameters are mutually exclusive: regexp|search_string")
    }

    func testInsertAfterAndBefore() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f", "[main]\nkey=1\n[other]\nkey=2\n")
        let after = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "new=1", "insertafter": #"^\[main\]"#])
        XCTAssertEqual(after.message, "line added")
        XCTAssertEqual(dir.read("f"), "[main]\nnew=1\nkey=1\n[other]\nkey=2\n")
        let afterAgain = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "new=1", "insertafter": #"^\[main\]"#])
        XCTAssertFalse(afterAgain.changed)
        let before = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "# tail", "insertbefore": "^key"])
        XCTAssertEqual(dir.read("f"), "[main]\nnew=1\nkey=1\n[other]\n# tail\nkey=2\n", "before the last match")
        XCTAssertTrue(before.changed)
        let bof = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "# head", "insertbefore": "BOF"])
        XCTAssertTrue(bof.changed)
        XCTAssertEqual(dir.read("f")?.hasPrefix("# head\n[main]\n"), true)
        let noAnchor = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "end", "insertafter": "^zzz"])
        XCTAssertTrue(noAnchor.changed)
        XCTAssertEqual(dir.read("f")?.hasSuffix("key=2\nend\n"), true, "an anchor that matches nothing means EOF")
        XCTAssertEqual(harness.argumentError(LineInFileModule(), ["path": "/x", "line": "c", "insertafter": "a", "insertbefore": "b"]),
                       "parameters are mutually exclusive: insertbefore|insertafter")
    }

    func testAbsentRemovesEveryMatch() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f", "a1\nb\na2\nb\n")
        let r = try await harness.run(LineInFileModule(), ["path": .string(path), "regexp": "^a", "state": "absent"])
        XCTAssertTrue(r.changed)
        XCTAssertEqual(r.message, "2 line(s) removed")
        XCTAssertEqual(r["found"], 2)
        XCTAssertEqual(dir.read("f"), "b\nb\n")
        let exact = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "b", "state": "absent"])
        XCTAssertEqual(exact["found"], 2)
        XCTAssertEqual(dir.read("f"), "")
        let again = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "b", "state": "absent"])
        XCTAssertFalse(again.changed)
        XCTAssertEqual(again["found"], 0)
        XCTAssertEqual(again.message, "")
        let missing = try await harness.run(LineInFileModule(), ["path": .string(dir.file("none")), "line": "b", "state": "absent"])
        XCTAssertEqual(missing.values, ["changed": false, "msg": "file not present"])
        let noCriteria = try await harness.run(LineInFileModule(), ["path": .string(path), "state": "absent"])
        XCTAssertEqual(noCriteria.message, "one of line, search_string, or regexp is required with state=absent")
    }

    func testCreateBackupModeAndFailures() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("sub/dir/new.conf")
        let missing = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "x"])
        XCTAssertTrue(missing.failed)
        XCTAssertEqual(missing.message, "Destination \(path) does not exist !")
        XCTAssertEqual(missing["rc"], 257)
        let created = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "x", "create": true, "mode": "0600"])
        XCTAssertTrue(created.changed)
        XCTAssertEqual(created.message, "line added and ownership, perms or SE linux context changed")
        XCTAssertEqual(dir.read("sub/dir/new.conf"), "x\n")
        XCTAssertEqual(dir.mode("sub/dir/new.conf"), 0o600)
        let backedUp = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "y", "backup": true])
        let backup = try XCTUnwrap(backedUp.string("backup"))
        XCTAssertTrue(backup.hasPrefix(path + "."), backup)
        XCTAssertEqual(try String(contentsOfFile: backup, encoding: .utf8), "x\n")
        XCTAssertEqual(dir.read("sub/dir/new.conf"), "x\ny\n")
        let modeOnly = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "y", "mode": "0644"])
        XCTAssertTrue(modeOnly.changed)
        XCTAssertEqual(modeOnly.message, "ownership, perms or SE linux context changed")
        let directory = try await harness.run(LineInFileModule(), ["path": .string(dir.path), "line": "x"])
        XCTAssertEqual(directory.message, "Path \(dir.path) is a directory !")
        XCTAssertEqual(directory["rc"], 256)
        let noLine = try await harness.run(LineInFileModule(), ["path": .string(path), "regexp": "x"])
        XCTAssertEqual(noLine.message, "line is required with state=present")
        let badRegex = try await harness.run(LineInFileModule(), ["path": .string(path), "regexp": "(", "line": "x"])
        XCTAssertTrue(badRegex.failed)
    }

    func testCheckModeChangesNothingAndDiffShowsText() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f", "a\n")
        var check = harness
        check.checkMode = true
        check.diffMode = true
        let r = try await check.run(LineInFileModule(), ["path": .string(path), "line": "b", "mode": "0600"])
        XCTAssertTrue(r.changed)
        XCTAssertEqual(r.message, "line added and ownership, perms or SE linux context changed")
        XCTAssertEqual(dir.read("f"), "a\n")
        XCTAssertNotEqual(dir.mode("f"), 0o600)
        XCTAssertEqual(r["diff"]?[1], ["before": ["mode": .string(String(format: "0%03o", dir.mode("f")))], "after": ["mode": "0600"],
                                        "before_header": .string("\(path) (file attributes)"),
                                        "after_header": .string("\(path) (file attributes)")])
        XCTAssertEqual(r["diff"]?[0]?["before"], "a\n")
        XCTAssertEqual(r["diff"]?[0]?["after"], "a\nb\n")
        let create = try await check.run(LineInFileModule(), ["path": .string(dir.file("new")), "line": "b", "create": true])
        XCTAssertTrue(create.changed)
        XCTAssertFalse(dir.exists("new"))
        XCTAssertEqual(create["diff"]?["after"], "b\n", "a file check mode would create: one diff, not a list")
    }

    func testSymlinkIsFollowed() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("real", "a\n")
        try FileManager.default.createSymbolicLink(atPath: dir.file("link"), withDestinationPath: "real")
        let r = try await harness.run(LineInFileModule(), ["path": .string(dir.file("link")), "line": "b"])
        XCTAssertTrue(r.changed)
        XCTAssertEqual(dir.read("real"), "a\nb\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.file("link"))
        XCTAssertEqual(attributes[.type] as? FileAttributeType, .typeSymbolicLink, "the link stays a link")
    }

    func testEmptyRegexpMatchesEveryLineWithAWarning() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f", "a\nlast")
        let r = try await harness.run(LineInFileModule(), ["path": .string(path), "regexp": "", "line": "new"])
        XCTAssertEqual(r.message, "line replaced")
        XCTAssertEqual(dir.read("f"), "a\nnew\n", "the last line is the one replaced, as in Ansible")
        XCTAssertEqual(r["warnings"]?.listValue?.count, 1)
    }

    func testValidateRunsOnTheNewTextBeforeItReplacesTheFile() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f", "a\n")
        let rejected = try await harness.run(LineInFileModule(), [
            "path": .string(path), "line": "b", "validate": #"sh -c "echo out; echo err >&2; exit 3" x %s"#])
        XCTAssertTrue(rejected.failed)
        XCTAssertEqual(rejected.message, "failed to validate: rc:3 error:err\n")
        XCTAssertEqual(dir.read("f"), "a\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["f"], "no temporary file is left")
        let accepted = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "b", "validate": "grep -q '^b$' %s"])
        XCTAssertTrue(accepted.changed, accepted.message ?? "")
        XCTAssertEqual(dir.read("f"), "a\nb\n")
        let noPlaceholder = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "c", "validate": "true"])
        XCTAssertEqual(noPlaceholder.message, "validate must contain %s: true")
    }

    func testFilesAreEditedAsBytesInAnyEncoding() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("latin1.conf")
        // "café=1\r\n" in ISO-8859-1, then a UTF-8 line: not valid UTF-8 as a whole.
        try Data([0x63, 0x61, 0x66, 0xE9, 0x3D, 0x31, 0x0D, 0x0A, 0xC3, 0xA9, 0x3D, 0x32, 0x0A]).write(to: URL(fileURLWithPath: path))
        let r = try await harness.run(LineInFileModule(), ["path": .string(path), "regexp": "^é=", "line": "é=3"])
        XCTAssertEqual(r.message, "line replaced")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)),
                       Data([0x63, 0x61, 0x66, 0xE9, 0x3D, 0x31, 0x0D, 0x0A, 0xC3, 0xA9, 0x3D, 0x33, 0x0A]),
                       "the other bytes stay as they were; the new line is UTF-8")
        let block = try await harness.run(BlockInFileModule(), ["path": .string(path), "block": "x\r\n"])
        XCTAssertEqual(block.message, "Block inserted")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(bytes.prefix(4), Data([0x63, 0x61, 0x66, 0xE9]))
        XCTAssertEqual(String(decoding: bytes.suffix(from: 13), as: UTF8.self),
                       "# BEGIN ANSIBLE MANAGED BLOCK\nx\r\n# END ANSIBLE MANAGED BLOCK\n", "a block ending in \\r\\n gets no extra newline")
    }

    func testEditRulesWithoutIO() throws {
        let edit = try LineInFileModule.present(["a\n", "b\n"], line: "b", regexp: nil, searchString: nil, insertAfter: "EOF",
                                                 insertBefore: nil, backrefs: false, firstMatch: false)
        XCTAssertFalse(edit.changed, "an identical line anywhere is enough")
        let crlf = try LineInFileModule.present(["a\r\n"], line: "a", regexp: nil, searchString: nil, insertAfter: "EOF",
                                                insertBefore: nil, backrefs: false, firstMatch: false)
        XCTAssertEqual(crlf, LineInFileModule.Edit(lines: ["a\n"], changed: true, message: "line replaced"),
                       "the same line with another line end is rewritten, as Ansible does")
    }
}
