import Foundation
import XCTest
@testable import PlayAWS

/// IMDSv2 against a fake metadata service on 127.0.0.1 (never the real 169.254.169.254).
final class InstanceMetadataTests: XCTestCase {
    let transport = CurlTransport(defaultTimeout: 2)

    override func tearDown() {
        transport.shutdown()
        super.tearDown()
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    }

    /// A metadata service: IMDSv2 tokens required unless `v1Only`; the credentials document changes
    /// on every read so refreshes are visible.
    static func metadataServer(v1Only: Bool = false, expiresIn: TimeInterval = 6 * 3600) throws -> LocalHTTPServer {
        let reads = Counter()
        return try LocalHTTPServer { request in
            if request.method == "PUT" && request.path == "/latest/api/token" {
                if v1Only { return .text(405, "") }
                guard request.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600" else { return .text(400, "ttl missing") }
                return .text(200, "token-abc")
            }
            if !v1Only && request.headers["x-aws-ec2-metadata-token"] != "token-abc" { return .text(401, "") }
            switch request.path {
            case "/latest/meta-data/iam/security-credentials/":
                return .text(200, "deploy-role\n")
            case "/latest/meta-data/iam/security-credentials/deploy-role":
                let n = reads.next()
                let formatter = ISO8601DateFormatter()
                let body = """
                    {"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAROLEKEY00000000\(n)","SecretAccessKey":"role-secret-\(n)",
                     "Token":"role-token-\(n)","Expiration":"\(formatter.string(from: Date().addingTimeInterval(expiresIn)))"}
                    """
                return .text(200, body, contentType: "application/json")
            case "/latest/meta-data/placement/region":
                return .text(200, "eu-north-1")
            default:
                return .text(404, "")
            }
        }
    }

    func resolver(_ env: AWSEnvironment) throws -> AWSConfigurationResolver {
        try AWSConfigurationResolver(settings: AWSSettings(), environment: env, transport: transport)
    }

    func testV2CredentialsAndRegion() async throws {
        let server = try Self.metadataServer()
        defer { server.stop() }
        let home = try TemporaryHome()
        defer { home.remove() }
        let r = try resolver(home.environment(metadata: server.url))
        let (credentials, refresh) = try await r.resolveCredentials()
        XCTAssertEqual(credentials.accessKeyID, "ASIAROLEKEY000000001")
        XCTAssertEqual(credentials.sessionToken, "role-token-1")
        XCTAssertEqual(credentials.source, "EC2 instance metadata (role deploy-role)")
        XCTAssertNotNil(credentials.expiration)
        XCTAssertNotNil(refresh)
        XCTAssertEqual(server.requests.map(\.method), ["PUT", "GET", "GET"])
        XCTAssertTrue(server.requests.dropFirst().allSatisfy { $0.headers["x-aws-ec2-metadata-token"] == "token-abc" })

        let region = try await r.resolveRegion()
        XCTAssertEqual(region.region, "eu-north-1")
        XCTAssertEqual(region.source, "EC2 instance metadata")
    }

    func testV1Fallback() async throws {
        let server = try Self.metadataServer(v1Only: true)
        defer { server.stop() }
        let home = try TemporaryHome()
        defer { home.remove() }
        let (credentials, _) = try await resolver(home.environment(metadata: server.url)).resolveCredentials()
        XCTAssertEqual(credentials.accessKeyID, "ASIAROLEKEY000000001")
        XCTAssertTrue(server.requests.allSatisfy { $0.headers["x-aws-ec2-metadata-token"] == nil })
    }

    func testExpiringRoleCredentialsAreRefreshed() async throws {
        let server = try Self.metadataServer(expiresIn: 60) // inside the 5-minute refresh window
        defer { server.stop() }
        let home = try TemporaryHome()
        defer { home.remove() }
        let session = try await AWSSession.make(settings: AWSSettings(region: "us-east-1"),
                                                environment: home.environment(metadata: server.url), transport: transport)
        let first = try await session.credentials()
        XCTAssertEqual(first.accessKeyID, "ASIAROLEKEY000000002", "expiring at once: refreshed on first use")
        let second = try await session.credentials()
        XCTAssertEqual(second.accessKeyID, "ASIAROLEKEY000000003")
    }

    func testDisabledMeansNoRequest() async throws {
        let server = try Self.metadataServer()
        defer { server.stop() }
        let home = try TemporaryHome()
        defer { home.remove() }
        let env = home.environment(["AWS_EC2_METADATA_DISABLED": "true"], metadata: server.url)
        do {
            _ = try await resolver(env).resolveCredentials()
            XCTFail("expected NoCredentials")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "NoCredentials")
            XCTAssertTrue(error.description.contains("disabled by AWS_EC2_METADATA_DISABLED"))
        }
        XCTAssertTrue(server.requests.isEmpty)
    }

    func testUnansweredMetadataGivesUpQuickly() async throws {
        let stall = try LocalHTTPServer { _ in .stall }
        defer { stall.stop() }
        let home = try TemporaryHome()
        defer { home.remove() }
        let started = Date()
        do {
            _ = try await resolver(home.environment(["AWS_METADATA_SERVICE_TIMEOUT": "1"], metadata: stall.url)).resolveCredentials()
            XCTFail("expected NoCredentials")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "NoCredentials")
            XCTAssertTrue(error.description.contains("EC2 instance metadata at \(stall.url): no answer within 1 s"), error.description)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)

        let closed = try LocalHTTPServer { _ in .stall }
        let url = closed.url
        closed.stop()
        do {
            _ = try await resolver(home.environment(metadata: url)).resolveCredentials()
            XCTFail("expected NoCredentials")
        } catch let error as AWSError {
            XCTAssertTrue(error.description.contains("EC2 instance metadata at \(url): no answer"), error.description)
        }
    }

    func testTokenRefusedMeansMetadataIsOff() async throws {
        let server = try LocalHTTPServer { _ in .text(403, "") }
        defer { server.stop() }
        let home = try TemporaryHome()
        defer { home.remove() }
        do {
            _ = try await resolver(home.environment(metadata: server.url)).resolveCredentials()
            XCTFail("expected NoCredentials")
        } catch let error as AWSError {
            XCTAssertTrue(error.description.contains("instance metadata is disabled on this instance"), error.description)
        }
    }
}
