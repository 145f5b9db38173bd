import Foundation
import XCTest
@testable import PlayAWS

/// S3 answers a HEAD it refuses with 403 and no body, whatever the cause. The session follows it
/// with the same request as a one-byte GET, whose error document names the cause, so a wrong
/// secret, an unknown key, an expired session token, a skewed clock and a missing permission each
/// get their own message. moto (signature and IAM checks on) gives the wrong secret, the unknown
/// key and the missing permission; it checks neither clocks nor token expiry, so a scripted
/// server plays S3 for those two, with S3's own error codes.
final class S3DiagnosisTests: MotoTestCase, @unchecked Sendable {
    private static let bucket = "diagnosis"
    private static let key = "builds/1/app.tar.gz"

    private func putObject() async throws {
        let s3 = session.s3()
        try await s3.createBucket(Self.bucket)
        try await s3.putObject(bucket: Self.bucket, key: Self.key, data: Data("build".utf8))
    }

    private func headError(_ session: AWSSession, file: StaticString = #filePath, line: UInt = #line) async -> AWSError? {
        do {
            _ = try await session.s3().headObject(bucket: Self.bucket, key: Self.key)
            XCTFail("HEAD succeeded", file: file, line: line)
        } catch let error as AWSError {
            return error
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        return nil
    }

    func testAWrongSecretIsNotReportedAsAMissingPermission() async throws {
        try await putObject()
        let wrong = moto.session(AWSCredentials(accessKeyID: credentials.accessKeyID,
                                                secretAccessKey: credentials.secretAccessKey + "x", source: "a typo"))
        defer { wrong.shutdown() }
        let failure = await headError(wrong)
        let error = try XCTUnwrap(failure)
        XCTAssertEqual(error.code, "SignatureDoesNotMatch", error.description)
        XCTAssertEqual(error.httpStatus, 403)
        let hint = try XCTUnwrap(error.hint)
        XCTAssertTrue(hint.contains("the secret key does not belong to access key"), hint)
        XCTAssertFalse(hint.contains("s3:GetObject"), "not a permission problem: \(hint)")
        XCTAssertFalse(error.description.contains(credentials.secretAccessKey))
    }

    func testAnUnknownAccessKeyIsNamedAsSuch() async throws {
        try await putObject()
        let stranger = moto.session(AWSCredentials(accessKeyID: "AKIAUNKNOWNKEY000000", secretAccessKey: "s", source: "old.env"))
        defer { stranger.shutdown() }
        let failure = await headError(stranger)
        let error = try XCTUnwrap(failure)
        XCTAssertEqual(error.code, "InvalidAccessKeyId", error.description)
        XCTAssertTrue(error.hint?.contains("is not known to AWS") == true, error.description)
    }

    func testAMissingPermissionNamesTheAction() async throws {
        let ec2Only = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#
        let keys = try await moto.freshAccount(users: [("admin", MotoServer.allowAll), ("ec2only", ec2Only)])
        let admin = moto.session(keys[0])
        defer { admin.shutdown() }
        try await admin.s3().createBucket(Self.bucket)
        try await admin.s3().putObject(bucket: Self.bucket, key: Self.key, data: Data("build".utf8))
        let limited = moto.session(keys[1])
        defer { limited.shutdown() }
        let failure = await headError(limited)
        let error = try XCTUnwrap(failure)
        XCTAssertEqual(error.code, "AccessDenied", error.description)
        let hint = try XCTUnwrap(error.hint)
        XCTAssertTrue(hint.contains("is not allowed s3:GetObject"), hint)
        XCTAssertTrue(hint.contains("arn:aws:s3:::diagnosis/builds/1/app.tar.gz"), hint)
    }

    func testAnExpiredTokenAndASkewedClockEachGetTheirOwnMessage() async throws {
        let skewedDate = Date().addingTimeInterval(20 * 60)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let cases: [(code: String, body: String, headers: [(String, String)], expect: String)] = [
            ("ExpiredToken", "<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>", [],
             "session token of"),
            ("RequestTimeTooSkewed", "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request "
                + "time and the current time is too large.</Message></Error>",
             [("Date", formatter.string(from: skewedDate))], "clock differs from AWS's"),
        ]
        var hints: [String] = []
        for scenario in cases {
            let server = try LocalHTTPServer { request in
                if request.method == "HEAD" { return .respond(status: 403, headers: [], body: Data()) }
                return .respond(status: 403, headers: [("Content-Type", "application/xml")] + scenario.headers,
                                body: Data(scenario.body.utf8))
            }
            defer { server.stop() }
            let endpoint = AWSEndpoint(scheme: "http", host: "127.0.0.1", port: server.port, isCustom: true, source: "test")
            let temporary = AWSSession(credentials: AWSCredentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "secret",
                                                                   sessionToken: "FwoGZXIvYXdzEXAMPLESESSIONTOKEN", source: "a test session"),
                                       region: "us-east-1", endpoint: endpoint, options: MotoServer.fastOptions())
            defer { temporary.shutdown() }
            let failure = await headError(temporary)
        let error = try XCTUnwrap(failure)
            XCTAssertEqual(error.code, scenario.code, error.description)
            let hint = try XCTUnwrap(error.hint, error.description)
            XCTAssertTrue(hint.contains(scenario.expect), hint)
            XCTAssertFalse(hint.contains("s3:GetObject"), hint)
            hints.append(hint)
            let seen = server.requests
            XCTAssertEqual(seen.first?.method, "HEAD")
            XCTAssertEqual(seen.dropFirst().first?.method, "GET")
            XCTAssertEqual(seen.dropFirst().first?.headers["range"], "bytes=0-0", "the follow-up reads one byte")
        }
        XCTAssertNotEqual(hints[0], hints[1])
    }
}
