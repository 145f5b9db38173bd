import Foundation
import XCTest
@testable import PlayAWS

/// Throttling, 5xx, timeouts and refused connections, injected in front of a real moto_server.
final class FaultToleranceTests: MotoTestCase, @unchecked Sendable {
    final class EventLog: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [AWSRequestEvent] = []
        func add(_ event: AWSRequestEvent) { lock.lock(); items.append(event); lock.unlock() }
        var events: [AWSRequestEvent] { lock.lock(); defer { lock.unlock() }; return items }
    }

    func faulty(_ script: [FaultInjectingTransport.Fault], repeatLast: Bool = false, maxAttempts: Int = 3,
                timeout: TimeInterval = 10, log: EventLog? = nil) -> (AWSSession, FaultInjectingTransport) {
        let transport = FaultInjectingTransport(CurlTransport(defaultTimeout: timeout), script: script, repeatLast: repeatLast)
        var onEvent: (@Sendable (AWSRequestEvent) -> Void)?
        if let log { onEvent = { event in log.add(event) } }
        let options = MotoServer.fastOptions(maxAttempts: maxAttempts, timeout: timeout, onEvent: onEvent)
        return (moto.session(credentials, transport: transport, options: options), transport)
    }

    func testThrottlingIsRetriedAndSucceedsForEveryService() async throws {
        let log = EventLog()
        let (s, transport) = faulty([FaultInjectingTransport.ec2Throttle, FaultInjectingTransport.ec2Throttle], log: log)
        defer { s.shutdown() }
        let instances = try await s.ec2().describeInstances()
        XCTAssertTrue(instances.isEmpty)
        XCTAssertEqual(transport.requests.count, 3)
        XCTAssertEqual(s.metrics.retries, 2)
        XCTAssertEqual(s.metrics.calls, 1)
        XCTAssertEqual(log.events.map(\.errorCode), ["RequestLimitExceeded", "RequestLimitExceeded", nil])
        XCTAssertEqual(log.events.map(\.status), [503, 503, 200])
        XCTAssertTrue(log.events.prefix(2).allSatisfy { ($0.retryDelay ?? -1) >= 0 && ($0.retryDelay ?? 1) <= 0.05 })
        // Each attempt is signed afresh (its own X-Amz-Date / signature over the same body).
        XCTAssertTrue(transport.requests.allSatisfy { $0.headers["Authorization"] != nil })

        let (elbSession, _) = faulty([FaultInjectingTransport.elbThrottle])
        defer { elbSession.shutdown() }
        let groups = try await elbSession.elbv2().describeTargetGroups()
        XCTAssertTrue(groups.isEmpty)
        XCTAssertEqual(elbSession.metrics.retries, 1)

        try await session.s3().createBucket("builds")
        _ = try await session.s3().putObject(bucket: "builds", key: "a.txt", data: Data("a".utf8))
        let (s3Session, _) = faulty([FaultInjectingTransport.s3SlowDown, FaultInjectingTransport.htmlBadGateway])
        defer { s3Session.shutdown() }
        let (data, _) = try await s3Session.s3().getObjectData(bucket: "builds", key: "a.txt")
        XCTAssertEqual(data, Data("a".utf8))
        XCTAssertEqual(s3Session.metrics.retries, 2)
    }

    func testGivingUpAfterTheLimitIsAClearError() async throws {
        let (s, transport) = faulty([FaultInjectingTransport.ec2Throttle], repeatLast: true, maxAttempts: 4)
        defer { s.shutdown() }
        do {
            _ = try await s.ec2().describeInstances()
            XCTFail("expected throttling to win")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "RequestLimitExceeded")
            XCTAssertTrue(error.isThrottling)
            XCTAssertEqual(error.attempts, 4)
            XCTAssertEqual(error.httpStatus, 503)
            XCTAssertTrue(error.hint?.contains("after 4 attempts") == true, error.description)
            XCTAssertTrue(error.hint?.contains("AWS_MAX_ATTEMPTS") == true)
            XCTAssertTrue(error.description.contains("(HTTP 503, request id x, 4 attempts)"), error.description)
        }
        XCTAssertEqual(transport.requests.count, 4)
        XCTAssertEqual(s.metrics.failures, 1)
    }

    func testServerErrorsRetryOnlyWhatIsSafeToRepeat() async throws {
        let ec2 = session.ec2()
        let (_, subnet) = try await loopbackNetwork(ec2)
        let image = try await ec2.registerImage(name: "img")
        let launch = EC2RunInstancesRequest(imageID: image, instanceType: "t3.micro", subnetID: subnet.subnetID)

        // A describe is retried through a 500.
        let (reader, _) = faulty([FaultInjectingTransport.ec2InternalError])
        defer { reader.shutdown() }
        _ = try await reader.ec2().describeInstances()
        XCTAssertEqual(reader.metrics.retries, 1)

        // RunInstances without a client token is not: the 500 may have launched something.
        let (launcher, transport) = faulty([FaultInjectingTransport.ec2InternalError])
        defer { launcher.shutdown() }
        do {
            _ = try await launcher.ec2().runInstances(launch)
            XCTFail("expected the 500 to surface")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "InternalError")
            XCTAssertEqual(error.attempts, 1)
            XCTAssertTrue(error.hint?.contains("not safe to repeat without a client token") == true, error.description)
        }
        XCTAssertEqual(transport.requests.count, 1)

        // With a token it is retried, and throttling is retried either way (AWS refused it).
        var withToken = launch
        withToken.clientToken = "deploy-1"
        let (tokenLauncher, _) = faulty([FaultInjectingTransport.ec2InternalError])
        defer { tokenLauncher.shutdown() }
        let launched = try await tokenLauncher.ec2().runInstances(withToken)
        XCTAssertEqual(launched.first?.clientToken, "deploy-1")
        let (throttled, _) = faulty([FaultInjectingTransport.ec2Throttle])
        defer { throttled.shutdown() }
        let afterThrottle = try await throttled.ec2().runInstances(launch)
        XCTAssertEqual(afterThrottle.count, 1)
        XCTAssertEqual(throttled.metrics.retries, 1)
    }

    func testTimeoutsAreRetriedThenReported() async throws {
        let blackHole = try LocalHTTPServer { _ in .stall }
        defer { blackHole.stop() }

        // First attempt goes to a server that never answers: a real transport timeout, then success.
        let (s, transport) = faulty([.redirect(host: "127.0.0.1", port: blackHole.port)], timeout: 1)
        defer { s.shutdown() }
        let started = Date()
        let groups = try await s.elbv2().describeTargetGroups()
        XCTAssertTrue(groups.isEmpty)
        XCTAssertEqual(transport.requests.count, 2)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.9)
        XCTAssertEqual(blackHole.requests.count, 1)

        let (stuck, _) = faulty([.redirect(host: "127.0.0.1", port: blackHole.port)], repeatLast: true, timeout: 1)
        defer { stuck.shutdown() }
        do {
            _ = try await stuck.ec2().describeInstances()
            XCTFail("expected a timeout")
        } catch let error as AWSError {
            XCTAssertEqual(error.kind, .timeout)
            XCTAssertEqual(error.code, "Timeout")
            XCTAssertEqual(error.attempts, 3)
            XCTAssertTrue(error.message.contains("within 1 s"), error.message)
            XCTAssertTrue(error.hint?.contains("gave up after 3 attempts") == true, error.description)
        }
    }

    func testRefusedConnectionIsRetriedEvenForUnsafeCalls() async throws {
        // A port nobody listens on: bind one, note it, close it.
        let closed = try LocalHTTPServer { _ in .text(200, "") }
        let port = closed.port
        closed.stop()
        let (s, transport) = faulty([.redirect(host: "127.0.0.1", port: port)])
        defer { s.shutdown() }
        let id = try await s.ec2().createSecurityGroup(name: "g", description: "d")
        XCTAssertTrue(id.hasPrefix("sg-"))
        XCTAssertEqual(transport.requests.count, 2)

        let endpoint = AWSEndpoint(scheme: "http", host: "127.0.0.1", port: port, isCustom: true, source: "AWS_ENDPOINT_URL")
        let nowhere = AWSSession(credentials: credentials, region: "us-east-1", endpoint: endpoint,
                                 options: MotoServer.fastOptions(maxAttempts: 2))
        defer { nowhere.shutdown() }
        do {
            _ = try await nowhere.ec2().describeInstances()
            XCTFail("expected a connection error")
        } catch let error as AWSError {
            XCTAssertEqual(error.kind, .transport)
            XCTAssertEqual(error.code, "ConnectionFailed")
            XCTAssertEqual(error.attempts, 2)
            XCTAssertTrue(error.hint?.contains("http://127.0.0.1:\(port)") == true, error.description)
            XCTAssertTrue(error.hint?.contains("AWS_ENDPOINT_URL") == true)
        }
    }

    func testSkewedClockIsCorrectedFromTheServerDate() async throws {
        let serverTime = Date().addingTimeInterval(3600)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let skew = FaultInjectingTransport.Fault.respond(
            status: 400, body: "<Response><Errors><Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message></Error></Errors></Response>",
            headers: ["Date": formatter.string(from: serverTime)])
        let (s, transport) = faulty([skew])
        defer { s.shutdown() }
        _ = try await s.ec2().describeVpcs()
        XCTAssertEqual(transport.requests.count, 2)
        let first = SigV4Signer.parseAmzDate(transport.requests[0].headers["X-Amz-Date"]!)!
        let second = SigV4Signer.parseAmzDate(transport.requests[1].headers["X-Amz-Date"]!)!
        XCTAssertEqual(second.timeIntervalSince(first), 3600, accuracy: 5)
    }

    func testCancellationStopsRetrying() async throws {
        let blackHole = try LocalHTTPServer { _ in .stall }
        defer { blackHole.stop() }
        let (s, _) = faulty([.redirect(host: "127.0.0.1", port: blackHole.port)], repeatLast: true, timeout: 30)
        defer { s.shutdown() }
        let task = Task { try await s.ec2().describeInstances() }
        try await Task.sleep(nanoseconds: 200_000_000)
        let started = Date()
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("expected cancellation")
        } catch is CancellationError {
        } catch {
            XCTFail("expected CancellationError, got \(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }
}
