import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
@testable import PlayModules
import XCTest

/// fetch from this machine through the local connection into a controller directory.
final class FetchModuleTests: XCTestCase {
    func testFetchesPerHostThenIsUnchanged() async throws {
        let remote = try TemporaryDirectory()
        let local = try TemporaryDirectory()
        let src = try remote.write("etc/app.conf", "hello\n")
        var h = ModuleHarness()
        h.taskDirectory = local.path
        let counter = CountingConnection(base: h.connection)
        h.connection = counter
        let host = counter.hostName
        let r = try await h.run(FetchModule(), ["src": .string(src), "dest": "out"])
        let dest = local.path + "/out/" + host + src
        XCTAssertEqual(r.values, ["changed": true, "checksum": "f572d396fae9206628714fb2ce00f72e94f2258f", "dest": .string(dest),
                                  "md5sum": "b1946ac92492d2347c6235b4d2611184",
                                  "remote_checksum": "f572d396fae9206628714fb2ce00f72e94f2258f", "remote_md5sum": .null])
        XCTAssertEqual(try String(contentsOfFile: dest, encoding: .utf8), "hello\n")
        XCTAssertEqual(counter.commands, 2, "a probe, then the transfer")
        let again = try await h.run(FetchModule(), ["src": .string(src), "dest": "out"])
        XCTAssertEqual(again.values, ["changed": false, "checksum": "f572d396fae9206628714fb2ce00f72e94f2258f",
                                      "dest": .string(dest), "file": .string(src), "md5sum": "b1946ac92492d2347c6235b4d2611184"])
        XCTAssertEqual(counter.commands, 3, "an unchanged file costs the probe only")
        try remote.write("etc/app.conf", "changed\n")
        let changed = try await h.run(FetchModule(), ["src": .string(src), "dest": "out"])
        XCTAssertTrue(changed.changed)
        XCTAssertEqual(try String(contentsOfFile: dest, encoding: .utf8), "changed\n")
    }

    func testFlatMissingDirectoryAndCheckMode() async throws {
        let remote = try TemporaryDirectory()
        let local = try TemporaryDirectory()
        let src = try remote.write("a.txt", "a")
        var h = ModuleHarness()
        h.taskDirectory = local.path
        let flat = try await h.run(FetchModule(), ["src": .string(src), "dest": .string(local.path + "/flat/"), "flat": true])
        XCTAssertEqual(flat.string("dest"), local.path + "/flat/a.txt")
        XCTAssertEqual(local.read("flat/a.txt"), "a")
        let named = try await h.run(FetchModule(), ["src": .string(src), "dest": "renamed.txt", "flat": true])
        XCTAssertEqual(named.string("dest"), local.path + "/renamed.txt")
        let intoDirectory = try await h.run(FetchModule(), ["src": .string(src), "dest": .string(local.path + "/flat"), "flat": true])
        XCTAssertEqual(intoDirectory.message,
                       "dest is an existing directory, use a trailing slash if you want to fetch src into that directory")

        let missing = try await h.run(FetchModule(), ["src": .string(remote.file("nope")), "dest": "out"])
        XCTAssertTrue(missing.failed)
        XCTAssertEqual(missing.message, "the remote file does not exist, not transferring, ignored")
        let ignored = try await h.run(FetchModule(), ["src": .string(remote.file("nope")), "dest": "out", "fail_on_missing": false])
        XCTAssertEqual(ignored.values, ["changed": false, "file": .string(remote.file("nope")),
                                        "msg": "the remote file does not exist, not transferring, ignored"])
        let directory = try await h.run(FetchModule(), ["src": .string(remote.path), "dest": "out"])
        XCTAssertEqual(directory.message, "remote file is a directory, fetch cannot work on directories")

        var check = h
        check.checkMode = true
        let skipped = try await check.run(FetchModule(), ["src": .string(src), "dest": "checked"])
        XCTAssertEqual(skipped.values, ["changed": false, "msg": "check mode not (yet) supported for this module", "skipped": true])
        XCTAssertFalse(local.exists("checked"))
    }
}
