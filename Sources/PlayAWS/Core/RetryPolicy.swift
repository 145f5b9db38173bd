import Foundation

/// When and how long to wait before trying a call again: capped exponential backoff with full
/// jitter (a random delay between 0 and min(cap, base × 2^retry)), as the AWS SDKs' standard mode.
/// Pure: the deciding functions take the outcome and a random number, so tests need no I/O.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts per call, the first included (1 means never retry).
    public var maxAttempts: Int
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval

    public init(maxAttempts: Int = 3, baseDelay: TimeInterval = 0.5, maxDelay: TimeInterval = 20) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
    }

    /// Codes AWS uses for "slow down" (botocore's list): retried for any call, since the call was refused.
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]

    /// Codes for transient server trouble: retried only for calls safe to repeat.
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
    ]

    public static let transientStatuses: Set<Int> = [500, 502, 503, 504]

    /// What one failed attempt looked like.
    public enum Outcome: Sendable, Hashable {
        case serviceError(code: String, status: Int)
        case transportError(HTTPTransportError.Kind)
    }

    /// Whether another attempt may follow. `idempotent` says the call can safely run twice
    /// (reads, deletes, calls carrying a caller's client token); throttling and refused connections
    /// never reached the API, so they are retried for every call.
    public func shouldRetry(_ outcome: Outcome, idempotent: Bool, attempt: Int) -> Bool {
        guard attempt < maxAttempts else { return false }
        switch outcome {
        case .serviceError(let code, let status):
            if Self.throttlingCodes.contains(code) { return true }
            if Self.transientCodes.contains(code) || Self.transientStatuses.contains(status) { return idempotent }
            return false
        case .transportError(let kind):
            switch kind {
            case .cannotConnect: return true
            case .timedOut, .connectionLost: return idempotent
            case .local: return false
            }
        }
    }

    /// The wait before attempt `attempt + 1`, given a uniform random number in [0, 1).
    public func delay(afterAttempt attempt: Int, random: Double) -> TimeInterval {
        let exponent = Double(max(0, attempt - 1))
        let ceiling = min(maxDelay, baseDelay * pow(2, exponent))
        return ceiling * min(max(random, 0), 1)
    }
}
