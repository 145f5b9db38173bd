/// One API call as the session runs it: which service, which operation, whether it may run twice.
struct AWSOperation: Sendable {
    enum WireFormat: Sendable {
        /// EC2, ELBv2, IAM: form-encoded POST, XML answers.
        case query
        /// S3: REST with XML error bodies (sometimes none).
        case restXML
        /// ECS: JSON 1.1 with `X-Amz-Target`.
        case json
    }

    var service: AWSService
    var name: String
    var region: String
    var wire: WireFormat
    /// Safe to send twice: reads, deletes, set-state calls, and calls with a caller's client token.
    var idempotent: Bool
    /// Parameters that make error hints concrete: ImageId, InstanceId, Bucket, Key...
    var context: [String: String] = [:]
    /// Non-2xx statuses the caller handles itself (S3's 304 Not Modified).
    var acceptedStatuses: Set<Int> = []
    /// A later page or batch of one client call: counted as a request, not as another call.
    var isContinuation = false

    var metricName: String { "\(service.name).\(name)" }
}
