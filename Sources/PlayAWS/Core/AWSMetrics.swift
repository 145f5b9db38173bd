/// Counters for one session: the deploy benchmark reports `requests` ("≤ 40 requests for a
/// 4-instance deploy"), and a wait loop can show them as progress.
public struct AWSMetrics: Sendable, Hashable {
    /// API calls made (one per client method call, pages and retries not counted).
    public var calls = 0
    /// HTTP requests sent to AWS, every page and retry included.
    public var requests = 0
    /// Requests that were repeats after a failure.
    public var retries = 0
    /// Calls that ended in an error.
    public var failures = 0
    /// Seconds spent waiting for answers, summed over requests.
    public var requestTime: Double = 0
    /// Requests per "Service.Operation".
    public var requestsByOperation: [String: Int] = [:]

    public init() {}
}
