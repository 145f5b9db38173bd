import Foundation
import PlayBase
import PlayExecutor
@testable import PlayModules
import XCTest

final class StatModuleTests: XCTestCase {
    let harness = ModuleHarness()

    func testRegularFile() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("data.txt", "hello\n", mode: 0o640)
        let r = try await harness.run(StatModule(), ["path": .string(path), "get_mime": true])
        XCTAssertFalse(r.failed, r.message ?? "")
        XCTAssertFalse(r.changed)
        let s = try XCTUnwrap(r["stat"])
        XCTAssertEqual(s["exists"], true)
        XCTAssertEqual(s["path"], .string(path))
        XCTAssertEqual(s["mode"], "0640")
        XCTAssertEqual(s["isreg"], true)
        XCTAssertEqual(s["isdir"], false)
        XCTAssertEqual(s["islnk"], false)
        XCTAssertEqual(s["size"], 6)
        XCTAssertEqual(s["uid"], 0)
        XCTAssertEqual(s["pw_name"], "root")
        XCTAssertEqual(s["gr_name"], "root")
        XCTAssertEqual(s["rusr"], true)
        XCTAssertEqual(s["wgrp"], false)
        XCTAssertEqual(s["roth"], false)
        XCTAssertEqual(s["readable"], true)
        XCTAssertEqual(s["executable"], false)
        XCTAssertEqual(s["nlink"], 1)
        XCTAssertEqual(s["checksum"], "f572d396fae9206628714fb2ce00f72e94f2258f")
        XCTAssertEqual(s["mimetype"], "text/plain")
        XCTAssertEqual(s["charset"], "us-ascii")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let mtime = try XCTUnwrap((attributes[.modificationDate] as? Date)?.timeIntervalSince1970)
        XCTAssertEqual(try XCTUnwrap(s["mtime"]?.doubleValue), mtime, accuracy: 0.001)
        XCTAssertNotNil(s["inode"]?.intValue)
        XCTAssertNotNil(s["attributes"]?.listValue)

        let sha256 = try await harness.run(StatModule(), ["path": .string(path), "checksum_algorithm": "sha256"])
        XCTAssertEqual(sha256["stat"]?["checksum"], "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
        XCTAssertNil(sha256["stat"]?["mimetype"], "no MIME type unless asked for")
        let noSum = try await harness.run(StatModule(), ["path": .string(path), "get_checksum": false])
        XCTAssertNil(noSum["stat"]?["checksum"])
    }

    func testMissingDirectoryAndLinks() async throws {
        let dir = try TemporaryDirectory()
        let missing = try await harness.run(StatModule(), ["path": .string(dir.file("nope"))])
        XCTAssertEqual(missing["stat"], ["exists": false])

        let directory = try await harness.run(StatModule(), ["path": .string(dir.path)])
        XCTAssertEqual(directory["stat"]?["isdir"], true)
        XCTAssertNil(directory["stat"]?["checksum"])
        XCTAssertEqual(directory["stat"]?["mode"], "0700")

        try dir.write("target", "t")
        try FileManager.default.createSymbolicLink(atPath: dir.file("link"), withDestinationPath: "target")
        let link = try await harness.run(StatModule(), ["path": .string(dir.file("link"))])
        XCTAssertEqual(link["stat"]?["islnk"], true)
        XCTAssertEqual(link["stat"]?["isreg"], false)
        XCTAssertEqual(link["stat"]?["lnk_target"], "target")
        XCTAssertEqual(link["stat"]?["lnk_source"], .string(dir.file("target")))
        XCTAssertNil(link["stat"]?["checksum"])
        let followed = try await harness.run(StatModule(), ["path": .string(dir.file("link")), "follow": true])
        XCTAssertEqual(followed["stat"]?["isreg"], true)
        XCTAssertEqual(followed["stat"]?["checksum"], .string(Digest.hex(Data("t".utf8), .sha1)))

        try FileManager.default.createSymbolicLink(atPath: dir.file("dangling"), withDestinationPath: "nowhere")
        let dangling = try await harness.run(StatModule(), ["path": .string(dir.file("dangling"))])
        XCTAssertEqual(dangling["stat"]?["exists"], true)
        let danglingFollowed = try await harness.run(StatModule(), ["path": .string(dir.file("dangling")), "follow": true])
        XCTAssertEqual(danglingFollowed["stat"]?["exists"], false)
    }

    func testHomeExpansionAndArgumentErrors() async throws {
        let r = try await harness.run(StatModule(), ["path": "~"])
        XCTAssertEqual(r["stat"]?["path"], .string(NSHomeDirectory()))
        XCTAssertEqual(r["stat"]?["isdir"], true)
        XCTAssertEqual(harness.argumentError(StatModule(), ["path": "/x", "checksum_algorithm": "crc32"]),
                       "value of checksum_algorithm must be one of: md5, sha1, sha224, sha256, sha384, sha512, got: crc32")
        XCTAssertEqual(harness.argumentError(StatModule(), [:]), "missing required arguments: path")
    }
}
