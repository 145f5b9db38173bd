import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// get_url against a loopback HTTP server (FileServer) through the local connection (curl on
/// this machine), compared with ansible-playbook's get_url on the same URLs.
final class GetURLModuleTests: XCTestCase {
    private let harness = ModuleHarness()

    func testDownloadThenNotModifiedThenChecksums() async throws {
        let server = try FileServer()
        defer { server.stop() }
        server.set("/app.txt", "version 1\n")
        server.set("/SHA256SUMS", "\(Digest.hex(Data("version 1\n".utf8), .sha256))  app.txt\nffff  other.txt\n")
        let dir = try TemporaryDirectory()
        let dest = dir.file("app.txt")

        let first = try await harness.run(GetURLModule(), ["url": .string(server.url("/app.txt")), "dest": .string(dest),
                                                           "mode": "0640", "headers": ["X-Token": "abc"]])
        XCTAssertFalse(first.failed, first.message ?? "")
        XCTAssertTrue(first.changed)
        XCTAssertEqual(dir.read("app.txt"), "version 1\n")
        XCTAssertEqual(dir.mode("app.txt"), 0o640)
        XCTAssertEqual(first["status_code"], 200)
        XCTAssertEqual(first.message, "OK (10 bytes)")
        XCTAssertEqual(first["checksum_src"], .string(Digest.hex(Data("version 1\n".utf8), .sha1)))
        XCTAssertEqual(first["checksum_dest"], .null)
        XCTAssertEqual(first["md5sum"], .string(Digest.hex(Data("version 1\n".utf8), .md5)))
        XCTAssertEqual(first["mode"], "0640")
        XCTAssertEqual(server.requests.last?.headers["x-token"], "abc")
        XCTAssertEqual(server.requests.last?.headers["user-agent"], "ansible-httpget")
        XCTAssertEqual(first.string("src").map { FileManager.default.fileExists(atPath: $0) }, false, "the temporary file is gone")

        // dest exists, force off: asked with If-Modified-Since, and the server answers 304.
        let again = try await harness.run(GetURLModule(), ["url": .string(server.url("/app.txt")), "dest": .string(dest)])
        XCTAssertFalse(again.changed)
        XCTAssertEqual(again["status_code"], 304)
        XCTAssertEqual(again.message, "HTTP Error 304: Not Modified")
        XCTAssertNotNil(server.requests.last?.headers["if-modified-since"])

        // A matching checksum: no request at all.
        let before = server.requests.count
        let sum = Digest.hex(Data("version 1\n".utf8), .sha256)
        let matching = try await harness.run(GetURLModule(), ["url": .string(server.url("/app.txt")), "dest": .string(dest),
                                                              "checksum": .string("sha256:\(sum)")])
        XCTAssertEqual(matching.message, "file already exists")
        XCTAssertFalse(matching.changed)
        XCTAssertEqual(server.requests.count, before)

        // A changed file with force: downloaded, the old one backed up.
        server.set("/app.txt", "version 2\n")
        let forced = try await harness.run(GetURLModule(), ["url": .string(server.url("/app.txt")), "dest": .string(dest),
                                                            "force": true, "backup": true])
        XCTAssertTrue(forced.changed)
        XCTAssertEqual(dir.read("app.txt"), "version 2\n")
        XCTAssertEqual(dir.mode("app.txt"), 0o640, "the replaced file keeps its mode")
        let backup = try XCTUnwrap(forced.string("backup_file"))
        XCTAssertEqual(try String(contentsOfFile: backup, encoding: .utf8), "version 1\n")

        // The checksum read from a checksum file does not match the new content.
        let bad = try await harness.run(GetURLModule(), ["url": .string(server.url("/app.txt")), "dest": .string(dir.file("b.txt")),
                                                         "checksum": .string("sha256:\(server.url("/SHA256SUMS"))")])
        XCTAssertTrue(bad.failed)
        XCTAssertTrue(bad.message?.hasSuffix("did not match \(sum); it was \(Digest.hex(Data("version 2\n".utf8), .sha256)).") == true,
                      bad.message ?? "")
        XCTAssertFalse(dir.exists("b.txt"))
        let missing = try await harness.run(GetURLModule(), ["url": .string(server.url("/nope.txt")), "dest": .string(dir.file("n")),
                                                             "checksum": .string("sha256:\(server.url("/SHA256SUMS"))")])
        XCTAssertEqual(missing.message, "Unable to find a checksum for file 'nope.txt' in '\(server.url("/SHA256SUMS"))'")
    }

    func testDirectoryDestinationAuthCheckModeAndErrors() async throws {
        let server = try FileServer()
        defer { server.stop() }
        server.set("/dl", "payload", headers: [("Content-Disposition", "attachment; filename=\"report.csv\"")])
        server.set("/private/secret.txt", "hidden\n")
        let dir = try TemporaryDirectory()

        var check = harness
        check.checkMode = true
        let preview = try await check.run(GetURLModule(), ["url": .string(server.url("/dl")), "dest": .string(dir.path)])
        XCTAssertTrue(preview.changed)
        XCTAssertEqual(server.requests.last?.method, "HEAD")
        XCTAssertEqual(preview["dest"], .string(dir.path + "/report.csv"))
        XCTAssertFalse(dir.exists("report.csv"), "check mode writes nothing")

        let named = try await harness.run(GetURLModule(), ["url": .string(server.url("/dl")), "dest": .string(dir.path)])
        XCTAssertEqual(named["dest"], .string(dir.path + "/report.csv"))
        XCTAssertEqual(dir.read("report.csv"), "payload")

        let denied = try await harness.run(GetURLModule(), ["url": .string(server.url("/private/secret.txt")),
                                                            "dest": .string(dir.path)])
        XCTAssertTrue(denied.failed)
        XCTAssertEqual(denied["status_code"], 401)
        let allowed = try await harness.run(GetURLModule(), ["url": .string(server.url("/private/secret.txt")), "dest": .string(dir.path),
                                                             "url_username": "alice", "url_password": "s3cret",
                                                             "force_basic_auth": true])
        XCTAssertFalse(allowed.failed, allowed.message ?? "")
        XCTAssertEqual(dir.read("secret.txt"), "hidden\n")

        // A proxy that is not there: used by default, bypassed with use_proxy off.
        var proxied = harness
        proxied.environment = ["http_proxy": "http://127.0.0.1:\(try LoopbackServer.closedPort())", "no_proxy": "", "NO_PROXY": ""]
        let viaProxy = try await proxied.run(GetURLModule(), ["url": .string(server.url("/dl")), "dest": .string(dir.file("p1"))])
        XCTAssertTrue(viaProxy.failed, "\(viaProxy.values)")
        let direct = try await proxied.run(GetURLModule(), ["url": .string(server.url("/dl")), "dest": .string(dir.file("p2")),
                                                            "use_proxy": false])
        XCTAssertFalse(direct.failed, direct.message ?? "")

        let absent = try await harness.run(GetURLModule(), ["url": .string(server.url("/absent")), "dest": .string(dir.file("x"))])
        XCTAssertEqual(absent.message, "Request failed")
        XCTAssertEqual(absent["status_code"], 404)
        XCTAssertEqual(absent["response"], "HTTP Error 404: Not Found")
        let refused = try await harness.run(GetURLModule(), ["url": .string("http://127.0.0.1:\(try LoopbackServer.closedPort())/x"),
                                                             "dest": .string(dir.file("x"))])
        XCTAssertTrue(refused.failed)
        XCTAssertTrue(refused.message?.hasPrefix("Request failed: ") == true, refused.message ?? "")
        let noDir = try await harness.run(GetURLModule(), ["url": .string(server.url("/dl")), "dest": .string(dir.file("no/such/f"))])
        XCTAssertEqual(noDir.message, "Destination \(dir.file("no/such")) does not exist")
    }

    /// The same downloads with ansible-playbook: the same result keys, the same files.
    func testMatchesAnsible() async throws {
        let server = try FileServer()
        defer { server.stop() }
        server.set("/app.txt", "version 1\n")
        let ours = try TemporaryDirectory(), theirs = try TemporaryDirectory()
        let url = server.url("/app.txt")
        let ansible = try AnsibleTask.run([
            "get_url: {url: '\(url)', dest: '\(theirs.file("app.txt"))', mode: '0640'}",
            "get_url: {url: '\(url)', dest: '\(theirs.file("app.txt"))'}",
            "get_url: {url: '\(url)', dest: '\(theirs.file("app.txt"))', checksum: 'sha1:\(Digest.hex(Data("version 1\n".utf8), .sha1))'}",
            "get_url: {url: '\(server.url("/absent"))', dest: '\(theirs.path)'}",
        ], in: theirs.path)
        let results = [
            try await harness.run(GetURLModule(), ["url": .string(url), "dest": .string(ours.file("app.txt")), "mode": "0640"]),
            try await harness.run(GetURLModule(), ["url": .string(url), "dest": .string(ours.file("app.txt"))]),
            try await harness.run(GetURLModule(), ["url": .string(url), "dest": .string(ours.file("app.txt")),
                                                   "checksum": .string("sha1:\(Digest.hex(Data("version 1\n".utf8), .sha1))")]),
            try await harness.run(GetURLModule(), ["url": .string(server.url("/absent")), "dest": .string(ours.path)]),
        ]
        XCTAssertEqual(ansible.count, 4)
        for (i, (a, p)) in zip(ansible, results).enumerated() {
            XCTAssertEqual(AnsibleTask.keys(p.values), AnsibleTask.keys(a), "result keys of task \(i)")
            for key in ["changed", "status_code", "msg", "checksum_src", "checksum_dest", "md5sum", "mode", "size"] {
                XCTAssertEqual(p[key], a[key], "\(key) of task \(i)")
            }
        }
        XCTAssertEqual(ours.read("app.txt"), theirs.read("app.txt"))
        XCTAssertEqual(ours.mode("app.txt"), theirs.mode("app.txt"))
    }
}
