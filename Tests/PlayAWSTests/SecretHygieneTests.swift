import Foundation
import XCTest
@testable import PlayAWS

/// Secret keys and session tokens never show up in descriptions, dumps, events or errors.
final class SecretHygieneTests: MotoTestCase, @unchecked Sendable {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let token = "FQoGZXIvYXdzEJr//////////wEaDEXAMPLETOKEN"

    func rendered(_ value: Any) -> String {
        var dumped = ""
        dump(value, to: &dumped)
        return "\(value) | \(String(reflecting: value)) | \(dumped)"
    }

    func testValuesNeverPrintTheSecret() {
        let credentials = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: Self.secret, sessionToken: Self.token,
                                         source: "environment variables")
        let text = rendered(credentials)
        XCTAssertFalse(text.contains(Self.secret))
        XCTAssertFalse(text.contains(Self.token))
        XCTAssertFalse(text.contains("AKIAIOSFODNN7EXAMPLE"), "the key id is masked too")
        XCTAssertTrue(text.contains("AKIA…MPLE"))

        let settings = AWSSettings(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: Self.secret, sessionToken: Self.token,
                                   region: "us-east-1")
        XCTAssertFalse(rendered(settings).contains(Self.secret))
        XCTAssertFalse(rendered(settings).contains(Self.token))
        XCTAssertTrue(settings.description.contains("region us-east-1"))
    }

    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        func add(_ line: String) { lock.lock(); items.append(line); lock.unlock() }
        var all: String { lock.lock(); defer { lock.unlock() }; return items.joined(separator: "\n") }
    }

    /// A server (or proxy) that echoes the secret in its error must not get it into our error.
    func testErrorsAndEventsAreScrubbed() async throws {
        let echo = FaultInjectingTransport.Fault.respond(status: 400, body: """
            <Response><Errors><Error><Code>AuthFailure</Code><Message>bad secret \(credentials.secretAccessKey)</Message></Error></Errors></Response>
            """)
        let lines = Lines()
        let transport = FaultInjectingTransport(CurlTransport(), script: [echo])
        let s = moto.session(credentials, transport: transport,
                             options: MotoServer.fastOptions(onEvent: { lines.add($0.description) }))
        defer { s.shutdown() }
        do {
            _ = try await s.ec2().describeInstances()
            XCTFail("expected AuthFailure")
        } catch let error as AWSError {
            XCTAssertFalse(rendered(error).contains(credentials.secretAccessKey))
            XCTAssertTrue(error.message.contains("****"))
            XCTAssertEqual(error.code, "AuthFailure")
        }
        XCTAssertFalse(lines.all.isEmpty)
        XCTAssertFalse(lines.all.contains(credentials.secretAccessKey))
        XCTAssertFalse(lines.all.contains(credentials.accessKeyID))
    }

    func testConfigurationErrorsDoNotEchoTheSecret() async throws {
        let home = try TemporaryHome()
        defer { home.remove() }
        do {
            _ = try await AWSSession.make(settings: AWSSettings(secretAccessKey: Self.secret, region: "us-east-1"),
                                          environment: home.environment())
            XCTFail("expected PartialCredentials")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "PartialCredentials")
            XCTAssertFalse(rendered(error).contains(Self.secret))
        }
    }
}
