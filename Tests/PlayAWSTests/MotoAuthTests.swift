import Foundation
import XCTest
@testable import PlayAWS

/// moto checks signatures (INITIAL_NO_AUTH_ACTION_COUNT), so a wrongly signed request fails.
final class MotoAuthTests: MotoTestCase, @unchecked Sendable {
    func testWrongSecretIsRejectedByEveryService() async throws {
        let wrong = AWSCredentials(accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey + "x",
                                   source: "a test's wrong secret")
        let bad = moto.session(wrong)
        defer { bad.shutdown() }
        let expectations: [(String, () async throws -> Void)] = [
            ("AuthFailure", { _ = try await bad.ec2().describeInstances() }),
            ("SignatureDoesNotMatch", { _ = try await bad.elbv2().describeTargetGroups() }),
            ("SignatureDoesNotMatch", { _ = try await bad.s3().listObjects(bucket: "any-bucket") }),
        ]
        for (code, call) in expectations {
            do {
                try await call()
                XCTFail("expected \(code)")
            } catch let error as AWSError {
                XCTAssertEqual(error.code, code)
                XCTAssertEqual(error.attempts, 1, "auth failures are not retried")
                XCTAssertTrue(error.hint?.contains("a test's wrong secret") == true, error.description)
                XCTAssertFalse(error.description.contains(wrong.secretAccessKey))
            }
        }
        // The right key still works on the same server.
        let none = try await session.ec2().describeInstances()
        XCTAssertTrue(none.isEmpty)
    }

    func testUnknownKeyIsRejected() async throws {
        let stranger = moto.session(AWSCredentials(accessKeyID: "AKIAUNKNOWNKEY000000", secretAccessKey: "s"))
        defer { stranger.shutdown() }
        do {
            _ = try await stranger.elbv2().describeLoadBalancers()
            XCTFail("expected InvalidClientTokenId")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "InvalidClientTokenId")
            XCTAssertEqual(error.httpStatus, 403)
        }
    }

    /// The figures the report quotes: requests and time for a describe on a warm session.
    func testDescribeCostsOneRequest() async throws {
        let ec2 = session.ec2()
        _ = try await ec2.describeInstances() // warm the connection
        session.resetMetrics()
        let started = Date()
        let rounds = 20
        for _ in 0..<rounds { _ = try await ec2.describeInstances(filters: [.tag("app", "web"), .state("running")]) }
        let perCall = Date().timeIntervalSince(started) / Double(rounds)
        XCTAssertEqual(session.metrics.requests, rounds)
        XCTAssertEqual(session.metrics.calls, rounds)
        print("figure: DescribeInstances on a warm session: 1 request, \(String(format: "%.1f", perCall * 1000)) ms per call against moto")
    }
}
