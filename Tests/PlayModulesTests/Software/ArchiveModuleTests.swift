import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// archive (community.general) through the local connection. The collection is not installed
/// for ansible-playbook here, so results are checked against its documented shape.
final class ArchiveModuleTests: XCTestCase {
    func testArchivesTreesCompressesFilesAndStaysIdempotent() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("logs/app.log", "line 1\n")
        try dir.write("logs/old/app.1.log", "old\n")
        try dir.write("logs/skip.tmp", "tmp\n")
        try dir.write("single.txt", String(repeating: "compress me\n", count: 50))
        let h = ModuleHarness()

        for format in ["gz", "bz2", "xz", "tar", "zip"] {
            let dest = dir.file("out/logs.\(format)")
            try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: true)
            let r = try await h.run(ArchiveModule(), ["path": .string(dir.file("logs")), "dest": .string(dest), "format": .string(format),
                                                      "exclusion_patterns": ["*.tmp"], "mode": "0600"])
            XCTAssertFalse(r.failed, "\(format): \(r.message ?? "") \(r.values)")
            XCTAssertTrue(r.changed, format)
            XCTAssertEqual(r["dest_state"], "archive", format)
            XCTAssertEqual(r["arcroot"], .string(dir.path + "/"), format)
            XCTAssertEqual(Set(r["archived"]?.listValue?.compactMap(\.stringValue) ?? []),
                           [dir.file("logs/app.log"), dir.file("logs/old"), dir.file("logs/old/app.1.log")], format)
            XCTAssertEqual(r["expanded_paths"], .list([.string(dir.file("logs"))]))
            XCTAssertEqual(r["mode"], "0600", format)
            let listing = format == "zip" ? "unzip -Z1 '\(dest)'" : "tar -tf '\(dest)'"
            XCTAssertEqual(Set(try ArchiveFixtures.sh(listing, in: dir.path).split(separator: "\n").map { $0.hasSuffix("/") ? String($0.dropLast()) : String($0) }),
                           ["logs/app.log", "logs/old", "logs/old/app.1.log"], format)
            let again = try await h.run(ArchiveModule(), ["path": .string(dir.file("logs")), "dest": .string(dest), "format": .string(format),
                                                          "exclusion_patterns": ["*.tmp"], "mode": "0600"])
            XCTAssertFalse(again.changed, "\(format) a second time: \(again.values)")
        }

        let compressed = try await h.run(ArchiveModule(), ["path": .string(dir.file("single.txt"))])
        XCTAssertTrue(compressed.changed)
        XCTAssertEqual(compressed["dest"], .string(dir.file("single.txt.gz")))
        XCTAssertEqual(compressed["dest_state"], "compress")
        XCTAssertEqual(try ArchiveFixtures.sh("gzip -dc single.txt.gz", in: dir.path), String(repeating: "compress me\n", count: 50))
        let same = try await h.run(ArchiveModule(), ["path": .string(dir.file("single.txt"))])
        XCTAssertFalse(same.changed)
        try dir.write("single.txt", "changed\n")
        let differs = try await h.run(ArchiveModule(), ["path": .string(dir.file("single.txt"))])
        XCTAssertTrue(differs.changed)

        // Globs, a missing path, exclude_path, remove.
        try dir.write("rm/a.txt", "a")
        try dir.write("rm/b.txt", "b")
        try dir.write("rm/c.txt", "c")
        var check = h
        check.checkMode = true
        let preview = try await check.run(ArchiveModule(), ["path": .list([.string(dir.file("rm/*.txt")), .string(dir.file("rm/ghost"))]),
                                                            "dest": .string(dir.file("rm.tar.gz")), "remove": true])
        XCTAssertTrue(preview.changed)
        XCTAssertFalse(dir.exists("rm.tar.gz"))
        let removed = try await h.run(ArchiveModule(), ["path": .list([.string(dir.file("rm/*.txt")), .string(dir.file("rm/ghost"))]),
                                                        "exclude_path": .list([.string(dir.file("rm/c.txt"))]),
                                                        "dest": .string(dir.file("rm.tar.gz")), "remove": true])
        XCTAssertEqual(removed["dest_state"], "incomplete")
        XCTAssertEqual(removed["missing"], .list([.string(dir.file("rm/ghost"))]))
        XCTAssertEqual(removed["expanded_exclude_paths"], .list([.string(dir.file("rm/c.txt"))]))
        XCTAssertEqual(removed["arcroot"], .string(dir.file("rm") + "/"))
        XCTAssertFalse(dir.exists("rm/a.txt"))
        XCTAssertFalse(dir.exists("rm/b.txt"))
        XCTAssertTrue(dir.exists("rm/c.txt"))
        XCTAssertEqual(try ArchiveFixtures.sh("tar -tzf rm.tar.gz | sort", in: dir.path), "a.txt\nb.txt\n")

        let none = try await h.run(ArchiveModule(), ["path": .string(dir.file("nothing/*")), "dest": .string(dir.file("n.tgz"))])
        XCTAssertEqual(none.message, "Error, no source paths were found")
        let noDest = try await h.run(ArchiveModule(), ["path": .string(dir.file("logs"))])
        XCTAssertEqual(noDest.message, "Error, must specify \"dest\" when archiving multiple files or trees")
    }
}
