import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// unarchive through the local connection: each format, idempotence judged by comparing files,
/// check mode, exclude, creates, a URL source, and the same tasks with ansible-playbook.
final class UnarchiveModuleTests: XCTestCase {
    func testControllerArchiveIsUnpackedOnceAndAgainAfterAChange() async throws {
        let fixtures = try TemporaryDirectory()
        try ArchiveFixtures.make(in: fixtures)
        var h = ModuleHarness()
        h.taskDirectory = fixtures.path
        let dest = try TemporaryDirectory()

        var check = h
        check.checkMode = true
        let preview = try await check.run(UnarchiveModule(), ["src": "app.tar.gz", "dest": .string(dest.path)])
        XCTAssertTrue(preview.changed, "\(preview.values)")
        XCTAssertFalse(dest.exists("app"), "check mode unpacks nothing")

        let first = try await h.run(UnarchiveModule(), ["src": "app.tar.gz", "dest": .string(dest.path), "list_files": true])
        XCTAssertFalse(first.failed, first.message ?? "")
        XCTAssertTrue(first.changed)
        XCTAssertEqual(first["handler"], "TgzArchive")
        XCTAssertEqual(Set(first["files"]?.listValue?.compactMap(\.stringValue) ?? []),
                       ["app/", "app/README", "app/conf/", "app/conf/app.ini", "app/bin/", "app/bin/run"])
        XCTAssertEqual(dest.read("app/conf/app.ini"), "[app]\nport = 8080\n")
        XCTAssertEqual(dest.mode("app/bin/run"), 0o755)
        XCTAssertEqual(first["extract_results"]?["rc"], 0)
        XCTAssertEqual(first["state"], "directory")

        let again = try await h.run(UnarchiveModule(), ["src": "app.tar.gz", "dest": .string(dest.path)])
        XCTAssertFalse(again.changed, "\(again.values)")
        XCTAssertNil(again["extract_results"])
        let previewAgain = try await check.run(UnarchiveModule(), ["src": "app.tar.gz", "dest": .string(dest.path)])
        XCTAssertFalse(previewAgain.changed)

        try "edited\n".write(toFile: dest.file("app/README"), atomically: false, encoding: .utf8)
        let repaired = try await h.run(UnarchiveModule(), ["src": "app.tar.gz", "dest": .string(dest.path)])
        XCTAssertTrue(repaired.changed)
        XCTAssertEqual(dest.read("app/README"), "read me\n")

        // keep_newer: a file in dest newer than the archive's stays.
        try "local\n".write(toFile: dest.file("app/README"), atomically: false, encoding: .utf8)
        _ = try await h.run(UnarchiveModule(), ["src": "app.tar.gz", "dest": .string(dest.path), "keep_newer": true])
        XCTAssertEqual(dest.read("app/README"), "local\n")

        let skipped = try await h.run(UnarchiveModule(), ["src": "app.tar.gz", "dest": .string(dest.path),
                                                          "creates": .string(dest.file("app/README"))])
        XCTAssertEqual(skipped["skipped"], true)
        XCTAssertEqual(skipped.message, "skipped, since \(dest.file("app/README")) exists")
        let notDir = try await h.run(UnarchiveModule(), ["src": "app.tar.gz", "dest": .string(dest.file("nope"))])
        XCTAssertEqual(notDir.message, "dest '\(dest.file("nope"))' must be an existing dir")
    }

    func testFormatsRemoteSourceExcludeModeAndURL() async throws {
        let fixtures = try TemporaryDirectory()
        try ArchiveFixtures.make(in: fixtures)
        let h = ModuleHarness()
        for (name, handler) in [("app.zip", "ZipArchive"), ("app.tar.bz2", "TarArchive"), ("app.tar.xz", "TarArchive"),
                                ("app.tar", "TarArchive")] {
            let dest = try TemporaryDirectory()
            let r = try await h.run(UnarchiveModule(), ["src": .string(fixtures.file(name)), "dest": .string(dest.path),
                                                        "remote_src": true, "exclude": ["app/conf"]])
            XCTAssertFalse(r.failed, "\(name): \(r.message ?? "")")
            XCTAssertEqual(r["handler"], .string(handler), name)
            XCTAssertEqual(dest.read("app/bin/run"), "#!/bin/sh\necho run\n", name)
            XCTAssertFalse(dest.exists("app/conf"), "\(name): excluded")
            let again = try await h.run(UnarchiveModule(), ["src": .string(fixtures.file(name)), "dest": .string(dest.path),
                                                            "remote_src": true, "exclude": ["app/conf"]])
            XCTAssertFalse(again.changed, "\(name) a second time: \(again.values)")
        }

        let dest = try TemporaryDirectory()
        let moded = try await h.run(UnarchiveModule(), ["src": .string(fixtures.file("app.tar")), "dest": .string(dest.path),
                                                        "remote_src": true, "mode": "u=rwX,g=rX,o="])
        XCTAssertTrue(moded.changed)
        XCTAssertEqual(dest.mode("app/README"), 0o640)
        XCTAssertEqual(dest.mode("app/bin/run"), 0o750)
        let modedAgain = try await h.run(UnarchiveModule(), ["src": .string(fixtures.file("app.tar")), "dest": .string(dest.path),
                                                             "remote_src": true, "mode": "u=rwX,g=rX,o="])
        XCTAssertFalse(modedAgain.changed, "\(modedAgain.values)")

        let server = try FileServer()
        defer { server.stop() }
        server.set("/app.zip", try Data(contentsOf: URL(fileURLWithPath: fixtures.file("app.zip"))))
        let fromURL = try TemporaryDirectory()
        let downloaded = try await h.run(UnarchiveModule(), ["src": .string(server.url("/app.zip")), "dest": .string(fromURL.path),
                                                             "remote_src": true])
        XCTAssertFalse(downloaded.failed, downloaded.message ?? "")
        XCTAssertEqual(fromURL.read("app/README"), "read me\n")
        let noRemote = try await h.run(UnarchiveModule(), ["src": .string(server.url("/app.zip")), "dest": .string(fromURL.path)])
        XCTAssertEqual(noRemote.message,
                       "Unsupported option, an URI src (\(server.url("/app.zip"))) is only supported when remote_src is True")
    }

    func testMatchesAnsible() async throws {
        let fixtures = try TemporaryDirectory()
        try ArchiveFixtures.make(in: fixtures)
        let ours = try TemporaryDirectory(), theirs = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: theirs.file("files"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixtures.file("app.tar.gz"), toPath: theirs.file("files/app.tar.gz"))
        try FileManager.default.createDirectory(atPath: theirs.file("out"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: ours.file("out"), withIntermediateDirectories: true)
        let ansible = try AnsibleTask.run([
            "unarchive: {src: app.tar.gz, dest: '\(theirs.file("out"))', list_files: true}",
            "unarchive: {src: app.tar.gz, dest: '\(theirs.file("out"))'}",
            "unarchive: {src: '\(fixtures.file("app.zip"))', dest: '\(theirs.file("out"))', remote_src: true, list_files: true}",
        ], in: theirs.path)
        var h = ModuleHarness()
        h.taskDirectory = fixtures.path
        let results = [
            try await h.run(UnarchiveModule(), ["src": "app.tar.gz", "dest": .string(ours.file("out")), "list_files": true]),
            try await h.run(UnarchiveModule(), ["src": "app.tar.gz", "dest": .string(ours.file("out"))]),
            try await h.run(UnarchiveModule(), ["src": .string(fixtures.file("app.zip")), "dest": .string(ours.file("out")),
                                                "remote_src": true, "list_files": true]),
        ]
        XCTAssertEqual(ansible.count, 3)
        for (i, (a, p)) in zip(ansible, results).enumerated() {
            XCTAssertEqual(AnsibleTask.keys(p.values), AnsibleTask.keys(a), "result keys of task \(i)")
            for key in ["changed", "handler", "mode", "state"] { XCTAssertEqual(p[key], a[key], "\(key) of task \(i)") }
            XCTAssertEqual(Set(p["files"]?.listValue ?? []), Set(a["files"]?.listValue ?? []), "files of task \(i)")
        }
        for file in ["app/README", "app/conf/app.ini", "app/bin/run"] {
            XCTAssertEqual(ours.read("out/" + file), theirs.read("out/" + file))
            XCTAssertEqual(ours.mode("out/" + file), theirs.mode("out/" + file))
        }
    }
}
