import Foundation
import XCTest
@testable import PlayAWS
import PlayBase

/// S3 against a real moto_server: path-style addressing, streamed and verified downloads.
final class MotoS3Tests: MotoTestCase, @unchecked Sendable {
    var scratch: URL!

    override func setUp() async throws {
        try await super.setUp()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("play-s3-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        try? FileManager.default.removeItem(at: scratch)
        try await super.tearDown()
    }

    func testPutHeadGetListDelete() async throws {
        let s3 = session.s3()
        try await s3.createBucket("builds")
        try await s3.createBucket("builds") // already ours: fine

        // A few MB so the download really streams.
        var payload = Data(count: 3 * 1024 * 1024 + 17)
        for i in payload.indices { payload[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
        let source = scratch.appendingPathComponent("th3-server-v2.tar.gz")
        try payload.write(to: source)
        let etag = try await s3.putObject(bucket: "builds", key: "th3-server/v2/th3-server.tar.gz", file: source,
                                          contentType: "application/gzip", metadata: ["version": "2"])
        XCTAssertEqual(etag, Digest.md5(payload).hexString)

        let info = try await s3.headObject(bucket: "builds", key: "th3-server/v2/th3-server.tar.gz")
        XCTAssertEqual(info.size, payload.count)
        XCTAssertEqual(info.etag, etag)
        XCTAssertTrue(info.etagIsMD5)
        XCTAssertEqual(info.contentType, "application/gzip")
        XCTAssertEqual(info.metadata["version"], "2")

        let target = scratch.appendingPathComponent("download/th3-server.tar.gz")
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: target)
        let got = try await s3.getObject(bucket: "builds", key: "th3-server/v2/th3-server.tar.gz", to: target,
                                         expectedSHA256: Digest.sha256(payload).hexString)
        XCTAssertEqual(got.etag, etag)
        XCTAssertEqual(try Data(contentsOf: target), payload)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path)
        XCTAssertEqual(leftovers, ["th3-server.tar.gz"], "no partial files left behind")

        _ = try await s3.putObject(bucket: "builds", key: "th3-server/v1/th3-server.tar.gz", data: Data("v1".utf8))
        _ = try await s3.putObject(bucket: "builds", key: "other/readme.txt", data: Data("hello".utf8), contentType: "text/plain")
        // moto (5.2.1) mis-verifies signatures of a prefix containing "/" (boto3's too), so no slash here.
        let listed = try await s3.listObjects(bucket: "builds", prefix: "th3-server")
        XCTAssertEqual(listed.map(\.key), ["th3-server/v1/th3-server.tar.gz", "th3-server/v2/th3-server.tar.gz"])
        XCTAssertEqual(listed.last?.size, payload.count)
        XCTAssertEqual(listed.last?.etag, etag)

        session.resetMetrics()
        let paged = try await s3.listObjects(bucket: "builds", pageSize: 1)
        XCTAssertEqual(paged.count, 3)
        XCTAssertEqual(session.metrics.requests, 3)
        XCTAssertEqual(session.metrics.calls, 1)

        let (small, smallInfo) = try await s3.getObjectData(bucket: "builds", key: "other/readme.txt")
        XCTAssertEqual(String(decoding: small, as: UTF8.self), "hello")
        XCTAssertEqual(smallInfo.contentType, "text/plain")

        try await s3.deleteObject(bucket: "builds", key: "other/readme.txt")
        let gone = try await s3.objectInfo(bucket: "builds", key: "other/readme.txt")
        XCTAssertNil(gone)
    }

    func testKeysWithSpacesAndTildesRoundTrip() async throws {
        let s3 = session.s3()
        try await s3.createBucket("artifacts")
        let key = "releases/web 1.4.2/build~final.tar.gz"
        _ = try await s3.putObject(bucket: "artifacts", key: key, data: Data("x".utf8))
        let info = try await s3.headObject(bucket: "artifacts", key: key)
        XCTAssertEqual(info.size, 1)
        let listed = try await s3.listObjects(bucket: "artifacts")
        XCTAssertEqual(listed.map(\.key), [key])
    }

    func testMissingThingsAreTypedErrors() async throws {
        let s3 = session.s3()
        try await s3.createBucket("builds")
        let target = scratch.appendingPathComponent("nothing")
        do {
            try await s3.getObject(bucket: "builds", key: "nope.tar.gz", to: target)
            XCTFail("expected NoSuchKey")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "NoSuchKey")
            XCTAssertEqual(error.httpStatus, 404)
            XCTAssertTrue(error.isNotFound)
            XCTAssertTrue(error.hint?.contains("s3://builds/nope.tar.gz") == true, error.description)
            XCTAssertEqual(error.attempts, 1)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), [], "no partial file")

        do {
            _ = try await s3.headObject(bucket: "builds", key: "nope.tar.gz")
            XCTFail("expected NotFound")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "NotFound", "HEAD has no body: the code comes from the status")
            XCTAssertTrue(error.isNotFound)
        }
        do {
            _ = try await s3.listObjects(bucket: "no-such-bucket")
            XCTFail("expected NoSuchBucket")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "NoSuchBucket")
            XCTAssertTrue(error.hint?.contains("no-such-bucket") == true)
        }
    }

    func testWrongExpectedChecksumKeepsThePreviousFile() async throws {
        let s3 = session.s3()
        try await s3.createBucket("builds")
        _ = try await s3.putObject(bucket: "builds", key: "app.tar.gz", data: Data("new build".utf8))
        let target = scratch.appendingPathComponent("app.tar.gz")
        try Data("previous build".utf8).write(to: target)
        session.resetMetrics()
        do {
            try await s3.getObject(bucket: "builds", key: "app.tar.gz", to: target, expectedSHA256: String(repeating: "0", count: 64))
            XCTFail("expected a checksum error")
        } catch let error as AWSError {
            XCTAssertEqual(error.kind, .checksum)
            XCTAssertEqual(error.code, "ChecksumMismatch")
            XCTAssertTrue(error.message.contains("SHA-256"))
        }
        XCTAssertEqual(String(decoding: try Data(contentsOf: target), as: UTF8.self), "previous build")
        XCTAssertEqual(session.metrics.requests, 2, "downloaded once more before giving up")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), ["app.tar.gz"])
    }
}
