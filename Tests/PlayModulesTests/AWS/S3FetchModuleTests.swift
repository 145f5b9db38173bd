import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
@testable import PlayModules
import PlayTestSupport
import XCTest

/// s3_fetch against moto: download, skip when the local copy matches, builds by version and
/// `latest`, checksum failures (a wrong SHA-256 in the object's metadata, and a body damaged on
/// the way by a transport that corrupts downloads).
final class S3FetchModuleTests: AWSModuleTestCase {

    private func bucket(_ server: MotoServer, objects: [String: (String, [String: String])]) async throws -> String {
        let name = "builds-\(UUID().uuidString.prefix(8).lowercased())"
        let s3 = server.session().s3()
        try await s3.createBucket(name)
        for (key, (body, metadata)) in objects {
            try await s3.putObject(bucket: name, key: key, data: Data(body.utf8), metadata: metadata)
        }
        return name
    }

    func testDownloadsOnceThenSkipsWhileTheLocalCopyMatches() async throws {
        let server = try await moto()
        let body = String(repeating: "build 2\n", count: 5000)
        let name = try await bucket(server, objects: ["th3/2/th3-2.tar.gz": (body, ["version": "2"])])
        let dir = try TemporaryDirectory()
        let runner = AWSModuleRunner(moto: server)
        let args: OrderedDictionary<String, Value> = ["bucket": .string(name), "key": "th3/2/th3-2.tar.gz", "dest": .string(dir.path + "/")]

        let first = try await runner.run(S3FetchModule(), args)
        XCTAssertFalse(first.failed, first.text)
        XCTAssertTrue(first.changed)
        XCTAssertEqual(first.string("dest"), dir.file("th3-2.tar.gz"))
        XCTAssertEqual(dir.read("th3-2.tar.gz"), body)
        XCTAssertEqual(first["size"], .int(body.utf8.count))
        XCTAssertEqual(first.string("etag"), (try StreamingDigest.hashFile(URL(fileURLWithPath: dir.file("th3-2.tar.gz")), algorithms: [.md5]))[0].hexString)
        XCTAssertEqual(first.string("version"), "2", "from the object's metadata")
        XCTAssertEqual(first.string("key"), "th3/2/th3-2.tar.gz")

        let second = try await runner.run(S3FetchModule(), args)
        XCTAssertFalse(second.failed, second.text)
        XCTAssertFalse(second.changed)
        XCTAssertEqual(runner.requests("S3.GetObject"), 1)
        XCTAssertEqual(runner.requests("S3.HeadObject"), 2)

        // A local file with other content is replaced.
        try dir.write("th3-2.tar.gz", "something else")
        let third = try await runner.run(S3FetchModule(), args)
        XCTAssertTrue(third.changed)
        XCTAssertEqual(dir.read("th3-2.tar.gz"), body)
    }

    func testPrefixWithLatestOrAVersionPicksTheBuild() async throws {
        let server = try await moto()
        let name = try await bucket(server, objects: [
            "th3/1/th3-1.tar.gz": ("one", [:]), "th3/2/th3-2.tar.gz": ("two", [:]),
            "th3/10/th3-10.tar.gz": ("ten", [:]), "th3/10/NOTES.txt": ("notes", [:]),
            "th3/tmp/x.tar.gz": ("not a version", [:]), "th3-other/99/x.tar.gz": ("other prefix", [:]),
        ])
        let dir = try TemporaryDirectory()
        let runner = AWSModuleRunner(moto: server)
        let latest = try await runner.run(S3FetchModule(), ["bucket": .string(name), "prefix": "th3/", "version": "latest", "dest": .string(dir.path)])
        XCTAssertFalse(latest.failed, latest.text)
        XCTAssertEqual(latest.string("version"), "10")
        XCTAssertEqual(latest.string("key"), "th3/10/th3-10.tar.gz")
        XCTAssertEqual(dir.read("th3-10.tar.gz"), "ten")

        let two = try await runner.run(S3FetchModule(), ["bucket": .string(name), "prefix": "th3", "version": 2, "dest": .string(dir.file("build.tgz"))])
        XCTAssertFalse(two.failed, two.text)
        XCTAssertEqual(two.string("version"), "2")
        XCTAssertEqual(dir.read("build.tgz"), "two")

        let missing = try await runner.run(S3FetchModule(), ["bucket": .string(name), "prefix": "th3", "version": "7", "dest": .string(dir.path)])
        XCTAssertTrue(missing.failed)
        XCTAssertTrue(missing.message?.contains("versions there: 1, 2, 10") ?? false, missing.text)

        let noVersion = try await runner.run(S3FetchModule(), ["bucket": .string(name), "prefix": "th3", "dest": .string(dir.path)])
        XCTAssertTrue(noVersion.failed)
        XCTAssertNotNil(runner.argumentError(S3FetchModule(), ["bucket": "b", "dest": "/tmp/x"]), "key or prefix")
        XCTAssertNotNil(runner.argumentError(S3FetchModule(), ["bucket": "b", "key": "k", "prefix": "p", "dest": "/tmp/x"]))
    }

    func testAWrongSHA256FailsAndLeavesNoFile() async throws {
        let server = try await moto()
        let wrong = String(repeating: "ab", count: 32)
        let name = try await bucket(server, objects: ["th3/3/th3-3.tar.gz": ("three", ["sha256": wrong])])
        let dir = try TemporaryDirectory()
        let runner = AWSModuleRunner(moto: server)
        let result = try await runner.run(S3FetchModule(), ["bucket": .string(name), "key": "th3/3/th3-3.tar.gz", "dest": .string(dir.path)])
        XCTAssertTrue(result.failed, result.text)
        XCTAssertTrue(result.message?.contains("ChecksumMismatch") ?? false, result.text)
        XCTAssertTrue(result.message?.contains("differs from the expected \(wrong)") ?? false, result.text)
        XCTAssertFalse(dir.exists("th3-3.tar.gz"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "no partial file left")
    }

    func testADamagedDownloadFailsAndKeepsThePreviousFile() async throws {
        let server = try await moto()
        let name = try await bucket(server, objects: ["app/1/app.tar.gz": ("the real build", [:])])
        let dir = try TemporaryDirectory()
        try dir.write("app.tar.gz", "previous build")
        let runner = AWSModuleRunner(moto: server, transport: CorruptingTransport(CurlTransport(defaultTimeout: 10)))
        let result = try await runner.run(S3FetchModule(), ["bucket": .string(name), "key": "app/1/app.tar.gz", "dest": .string(dir.file("app.tar.gz"))])
        XCTAssertTrue(result.failed, result.text)
        XCTAssertTrue(result.message?.contains("differs from the ETag") ?? false, result.text)
        XCTAssertEqual(dir.read("app.tar.gz"), "previous build")
        XCTAssertEqual(runner.requests("S3.GetObject"), 2, "a damaged body is fetched once more before failing")
    }

    func testCheckModeAndMissingObjects() async throws {
        let server = try await moto()
        let name = try await bucket(server, objects: ["k/1/a.tar.gz": ("a", [:])])
        let dir = try TemporaryDirectory()
        let runner = AWSModuleRunner(moto: server)
        runner.checkMode = true
        let check = try await runner.run(S3FetchModule(), ["bucket": .string(name), "key": "k/1/a.tar.gz", "dest": .string(dir.path)])
        XCTAssertFalse(check.failed, check.text)
        XCTAssertTrue(check.changed)
        XCTAssertFalse(dir.exists("a.tar.gz"))
        XCTAssertEqual(runner.requests("S3.GetObject"), 0)

        runner.checkMode = false
        let missing = try await runner.run(S3FetchModule(), ["bucket": .string(name), "key": "k/9/none.tar.gz", "dest": .string(dir.path)])
        XCTAssertTrue(missing.failed)
        XCTAssertTrue(missing.message?.contains("s3://\(name)/k/9/none.tar.gz does not exist") ?? false, missing.text)
    }

    func testBuildVersionsCompareNumerically() throws {
        XCTAssertLessThan(BuildVersion("1.9")!, BuildVersion("1.10")!)
        XCTAssertLessThan(BuildVersion("2")!, BuildVersion("10")!)
        XCTAssertLessThan(BuildVersion("1.2")!, BuildVersion("1.2.1")!)
        XCTAssertNil(BuildVersion("latest"))
        XCTAssertNil(BuildVersion("1..2"))
        XCTAssertNil(BuildVersion("-1"))
    }
}

/// Flips a byte of every downloaded file after a successful GET: what a broken proxy would do.
struct CorruptingTransport: HTTPTransport {
    let base: any HTTPTransport
    init(_ base: any HTTPTransport) { self.base = base }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let response = try await base.send(request)
        if let file = request.downloadDestination, response.isSuccess, var data = FileManager.default.contents(atPath: file.path), !data.isEmpty {
            data[0] ^= 0xFF
            try data.write(to: file)
        }
        return response
    }

    func shutdown() { base.shutdown() }
}
