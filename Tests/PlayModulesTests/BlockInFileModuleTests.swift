import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
@testable import PlayModules
import XCTest

/// blockinfile against real files through the local connection; texts and messages as ansible-core 2.19 gives them.
final class BlockInFileModuleTests: XCTestCase {
    let harness = ModuleHarness()

    func testInsertReplaceAndRemoveTheBlock() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f", "one\ntwo\n")
        let r = try await harness.run(BlockInFileModule(), ["path": .string(path), "block": "x\ny", "insertafter": "^one"])
        XCTAssertFalse(r.failed, r.message ?? "")
        XCTAssertEqual(r.message, "Block inserted")
        XCTAssertTrue(r.changed)
        XCTAssertNil(r["backup_file"])
        XCTAssertEqual(dir.read("f"), "one\n# BEGIN ANSIBLE MANAGED BLOCK\nx\ny\n# END ANSIBLE MANAGED BLOCK\ntwo\n")
        let again = try await harness.run(BlockInFileModule(), ["path": .string(path), "block": "x\ny", "insertafter": "^one"])
        XCTAssertFalse(again.changed)
        XCTAssertEqual(again.message, "")
        XCTAssertEqual(again["diff"]?[1]?["before_header"], .string("\(path) (file attributes)"))

        let second = try await harness.run(BlockInFileModule(), [
            "path": .string(path), "content": "z", "insertafter": "^one", "marker": "<!-- {mark} -->",
            "prepend_newline": true, "append_newline": true])
        XCTAssertEqual(second.message, "Block inserted")
        XCTAssertEqual(dir.read("f"), "one\n\n<!-- BEGIN -->\nz\n<!-- END -->\n\n# BEGIN ANSIBLE MANAGED BLOCK\nx\ny\n"
                       + "# END ANSIBLE MANAGED BLOCK\ntwo\n")
        let replaced = try await harness.run(BlockInFileModule(), ["path": .string(path), "block": "x", "insertbefore": "BOF"])
        XCTAssertEqual(replaced.message, "Block inserted")
        XCTAssertEqual(dir.read("f"), "one\n\n<!-- BEGIN -->\nz\n<!-- END -->\n\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n"
                       + "# END ANSIBLE MANAGED BLOCK\ntwo\n", "a block already marked is replaced where it is")
        let emptied = try await harness.run(BlockInFileModule(), ["path": .string(path), "block": ""])
        XCTAssertEqual(emptied.message, "Block removed")
        XCTAssertEqual(dir.read("f"), "one\n\n<!-- BEGIN -->\nz\n<!-- END -->\n\ntwo\n")
        let absent = try await harness.run(BlockInFileModule(), ["path": .string(path), "state": "absent",
                                                                 "marker": "<!-- {mark} -->"])
        XCTAssertEqual(absent.message, "Block removed")
        XCTAssertEqual(dir.read("f"), "one\n\n\ntwo\n")
        let absentAgain = try await harness.run(BlockInFileModule(), ["path": .string(path), "state": "absent",
                                                                      "marker": "<!-- {mark} -->"])
        XCTAssertFalse(absentAgain.changed)
    }

    func testCustomMarkersBeforeAndEndOfFile() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f", "a\nb")
        let r = try await harness.run(BlockInFileModule(), ["path": .string(path), "block": "k=v\n", "marker": "## {mark}",
                                                            "marker_begin": "start", "marker_end": "stop"])
        XCTAssertEqual(dir.read("f"), "a\nb\n## start\nk=v\n## stop\n", "the last line gets its newline first")
        XCTAssertTrue(r.changed)
        let before = try await harness.run(BlockInFileModule(), ["path": .string(path), "block": "top", "insertbefore": "^b"])
        XCTAssertTrue(before.changed)
        XCTAssertEqual(dir.read("f"), "a\n# BEGIN ANSIBLE MANAGED BLOCK\ntop\n# END ANSIBLE MANAGED BLOCK\nb\n## start\nk=v\n## stop\n")
    }

    func testMultilineInsertPatternSearchesTheWholeText() throws {
        var o = BlockInFileModule.Options()
        o.block = "X"
        o.insertAfter = "(?m)^b\n^c"
        let marked = ["# BEGIN ANSIBLE MANAGED BLOCK\n", "X\n", "# END ANSIBLE MANAGED BLOCK\n"]
        XCTAssertEqual(try BlockInFileModule.edit(["a\n", "b\n", "c\n", "d\n"], o).lines, ["a\n", "b\n", "c\n"] + marked + ["d\n"])
        o.insertAfter = nil
        o.insertBefore = "(?m)^b\n^c"
        XCTAssertEqual(try BlockInFileModule.edit(["a\n", "b\n", "c\n", "d\n"], o).lines, ["a\n"] + marked + ["b\n", "c\n", "d\n"])
        XCTAssertFalse(BlockInFileModule.isMultiline("(?i)b"))
        XCTAssertTrue(BlockInFileModule.isMultiline("(?im)b"))
    }

    func testCreateCheckModeBackupAndMissingFile() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("new/f")
        let missing = try await harness.run(BlockInFileModule(), ["path": .string(path), "block": "x"])
        XCTAssertEqual(missing.message, "Path \(path) does not exist !")
        XCTAssertEqual(missing["rc"], 257)
        let absentMissing = try await harness.run(BlockInFileModule(), ["path": .string(path), "state": "absent", "create": true])
        XCTAssertEqual(absentMissing.values, ["changed": false, "msg": .string("File \(path) not present")])

        var check = harness
        check.checkMode = true
        let preview = try await check.run(BlockInFileModule(), ["path": .string(path), "block": "x", "create": true])
        XCTAssertTrue(preview.changed)
        XCTAssertEqual(preview.message, "File created")
        XCTAssertFalse(dir.exists("new"))

        let created = try await harness.run(BlockInFileModule(), ["path": .string(path), "block": "x", "create": true,
                                                                  "mode": "0600"])
        XCTAssertEqual(created.message, "File created and ownership, perms or SE linux context changed")
        XCTAssertEqual(dir.read("new/f"), "# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n")
        XCTAssertEqual(dir.mode("new/f"), 0o600)

        let previewChange = try await check.run(BlockInFileModule(), ["path": .string(path), "block": "y"])
        XCTAssertTrue(previewChange.changed)
        XCTAssertEqual(dir.read("new/f"), "# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n")

        let backedUp = try await harness.run(BlockInFileModule(), ["path": .string(path), "block": "y", "backup": true])
        let backup = try XCTUnwrap(backedUp.string("backup_file"))
        XCTAssertEqual(try String(contentsOfFile: backup, encoding: .utf8), "# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n")
        XCTAssertEqual(dir.read("new/f"), "# BEGIN ANSIBLE MANAGED BLOCK\ny\n# END ANSIBLE MANAGED BLOCK\n")
    }
}
