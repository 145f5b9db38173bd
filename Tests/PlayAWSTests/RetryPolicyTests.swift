import XCTest
@testable import PlayAWS

/// The retry decisions and delays, without I/O.
final class RetryPolicyTests: XCTestCase {
    let policy = RetryPolicy(maxAttempts: 5, baseDelay: 0.5, maxDelay: 4)

    func testWhatIsRetried() {
        for code in ["Throttling", "ThrottlingException", "RequestLimitExceeded", "SlowDown", "TooManyRequestsException"] {
            XCTAssertTrue(policy.shouldRetry(.serviceError(code: code, status: 400), idempotent: false, attempt: 1), code)
        }
        XCTAssertTrue(policy.shouldRetry(.serviceError(code: "InternalError", status: 500), idempotent: true, attempt: 1))
        XCTAssertFalse(policy.shouldRetry(.serviceError(code: "InternalError", status: 500), idempotent: false, attempt: 1))
        XCTAssertTrue(policy.shouldRetry(.serviceError(code: "BadGateway", status: 502), idempotent: true, attempt: 4))
        XCTAssertFalse(policy.shouldRetry(.serviceError(code: "BadGateway", status: 502), idempotent: true, attempt: 5), "limit")
        XCTAssertFalse(policy.shouldRetry(.serviceError(code: "InvalidAMIID.NotFound", status: 400), idempotent: true, attempt: 1))
        XCTAssertFalse(policy.shouldRetry(.serviceError(code: "AuthFailure", status: 401), idempotent: true, attempt: 1))
        XCTAssertTrue(policy.shouldRetry(.transportError(.cannotConnect), idempotent: false, attempt: 1))
        XCTAssertTrue(policy.shouldRetry(.transportError(.timedOut), idempotent: true, attempt: 1))
        XCTAssertFalse(policy.shouldRetry(.transportError(.timedOut), idempotent: false, attempt: 1))
        XCTAssertFalse(policy.shouldRetry(.transportError(.connectionLost), idempotent: false, attempt: 1))
        XCTAssertFalse(policy.shouldRetry(.transportError(.local), idempotent: true, attempt: 1))
        XCTAssertFalse(RetryPolicy(maxAttempts: 1).shouldRetry(.serviceError(code: "Throttling", status: 400), idempotent: true, attempt: 1))
    }

    func testCappedExponentialFullJitter() {
        XCTAssertEqual(policy.delay(afterAttempt: 1, random: 1), 0.5)
        XCTAssertEqual(policy.delay(afterAttempt: 2, random: 1), 1)
        XCTAssertEqual(policy.delay(afterAttempt: 3, random: 1), 2)
        XCTAssertEqual(policy.delay(afterAttempt: 4, random: 1), 4)
        XCTAssertEqual(policy.delay(afterAttempt: 9, random: 1), 4, "capped")
        XCTAssertEqual(policy.delay(afterAttempt: 3, random: 0.25), 0.5, "full jitter scales the whole delay")
        XCTAssertEqual(policy.delay(afterAttempt: 3, random: 0), 0)
        XCTAssertEqual(RetryPolicy(maxAttempts: 0).maxAttempts, 1)
    }
}
