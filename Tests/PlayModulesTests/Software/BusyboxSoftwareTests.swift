import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// get_url and unarchive on a busybox-only target (BusyboxConnection): busybox's wget, tar
/// and unzip, and nothing else on PATH.
final class BusyboxSoftwareTests: XCTestCase {
    private var applets: TemporaryDirectory!
    private var harness = ModuleHarness()

    override func setUpWithError() throws {
        let busybox = try BusyboxConnection.withApplets()
        applets = busybox.applets
        harness.connection = busybox.connection
    }

    func testGetURLWithBusyboxWget() async throws {
        let server = try FileServer()
        defer { server.stop() }
        server.set("/app.txt", "version 1\n")
        server.set("/private/s.txt", "secret\n")
        server.set("/dl", "payload", headers: [("Content-Disposition", "attachment; filename=\"report.csv\"")])
        let dir = try TemporaryDirectory()
        let dest = dir.file("app.txt")
        let first = try await harness.run(GetURLModule(), ["url": .string(server.url("/app.txt")), "dest": .string(dest),
                                                           "mode": "0600", "headers": ["X-Token": "abc"]])
        XCTAssertFalse(first.failed, first.message ?? "")
        XCTAssertTrue(first.changed)
        XCTAssertEqual(first["status_code"], 200)
        XCTAssertEqual(dir.read("app.txt"), "version 1\n")
        XCTAssertEqual(dir.mode("app.txt"), 0o600)
        XCTAssertEqual(server.requests.last?.headers["x-token"], "abc")
        XCTAssertEqual(server.requests.last?.headers["user-agent"], "ansible-httpget")
        XCTAssertNil(server.requests.last?.headers["accept-encoding"].flatMap { $0.contains("br") ? $0 : nil })

        let again = try await harness.run(GetURLModule(), ["url": .string(server.url("/app.txt")), "dest": .string(dest)])
        XCTAssertFalse(again.changed)
        XCTAssertEqual(again["status_code"], 304)
        XCTAssertNotNil(server.requests.last?.headers["if-modified-since"])

        let sum = Digest.hex(Data("version 1\n".utf8), .sha256)
        let checked = try await harness.run(GetURLModule(), ["url": .string(server.url("/app.txt")), "dest": .string(dir.file("c.txt")),
                                                             "checksum": .string("sha256:\(sum)")])
        XCTAssertTrue(checked.changed, checked.message ?? "")
        let wrong = try await harness.run(GetURLModule(), ["url": .string(server.url("/app.txt")), "dest": .string(dir.file("w.txt")),
                                                           "checksum": "sha1:0000000000000000000000000000000000000000"])
        XCTAssertTrue(wrong.failed)
        XCTAssertFalse(dir.exists("w.txt"))

        let named = try await harness.run(GetURLModule(), ["url": .string(server.url("/dl")), "dest": .string(dir.path)])
        XCTAssertEqual(named["dest"], .string(dir.path + "/report.csv"))
        XCTAssertEqual(dir.read("report.csv"), "payload")
        let secret = try await harness.run(GetURLModule(), ["url": .string(server.url("/private/s.txt")), "dest": .string(dir.path),
                                                            "url_username": "alice", "url_password": "s3cret"])
        XCTAssertFalse(secret.failed, secret.message ?? "")
        XCTAssertEqual(dir.read("s.txt"), "secret\n")
        let absent = try await harness.run(GetURLModule(), ["url": .string(server.url("/absent")), "dest": .string(dir.file("x"))])
        XCTAssertEqual(absent["status_code"], 404)
        XCTAssertEqual(absent["response"], "HTTP Error 404: Not Found")

        var check = harness
        check.checkMode = true
        let preview = try await check.run(GetURLModule(), ["url": .string(server.url("/app.txt")), "dest": .string(dir.file("p.txt"))])
        XCTAssertTrue(preview.changed)
        // busybox's `wget --spider` asks with GET and reads no body.
        XCTAssertFalse(dir.exists("p.txt"))
    }

    func testUnarchiveWithBusyboxTarAndUnzip() async throws {
        let fixtures = try TemporaryDirectory()
        try ArchiveFixtures.make(in: fixtures)
        var h = harness
        h.taskDirectory = fixtures.path
        for (name, handler) in [("app.tar.gz", "TgzArchive"), ("app.zip", "ZipArchive"), ("app.tar.xz", "TarXzArchive"),
                                ("app.tar", "TarArchive")] {
            let dest = try TemporaryDirectory()
            let r = try await h.run(UnarchiveModule(), ["src": .string(name), "dest": .string(dest.path), "list_files": true,
                                                        "exclude": ["app/conf"]])
            XCTAssertFalse(r.failed, "\(name): \(r.message ?? "") \(r.values)")
            XCTAssertEqual(r["handler"], .string(handler), name)
            XCTAssertTrue(r.changed, name)
            XCTAssertEqual(dest.read("app/bin/run"), "#!/bin/sh\necho run\n", name)
            XCTAssertEqual(dest.mode("app/bin/run"), 0o755, name)
            XCTAssertFalse(dest.exists("app/conf"), name)
            XCTAssertEqual(Set(r["files"]?.listValue?.compactMap(\.stringValue) ?? []),
                           ["app/", "app/README", "app/bin/", "app/bin/run"], name)
            let again = try await h.run(UnarchiveModule(), ["src": .string(name), "dest": .string(dest.path), "exclude": ["app/conf"]])
            XCTAssertFalse(again.changed, "\(name) a second time: \(again.values)")
            try "x".write(toFile: dest.file("app/README"), atomically: false, encoding: .utf8)
            let repaired = try await h.run(UnarchiveModule(), ["src": .string(name), "dest": .string(dest.path), "exclude": ["app/conf"]])
            XCTAssertTrue(repaired.changed, name)
            XCTAssertEqual(dest.read("app/README"), "read me\n", name)
        }
        let server = try FileServer()
        defer { server.stop() }
        server.set("/app.tar.gz", try Data(contentsOf: URL(fileURLWithPath: fixtures.file("app.tar.gz"))))
        let dest = try TemporaryDirectory()
        let fromURL = try await h.run(UnarchiveModule(), ["src": .string(server.url("/app.tar.gz")), "dest": .string(dest.path),
                                                          "remote_src": true])
        XCTAssertFalse(fromURL.failed, fromURL.message ?? "")
        XCTAssertEqual(dest.read("app/conf/app.ini"), "[app]\nport = 8080\n")
    }
}
