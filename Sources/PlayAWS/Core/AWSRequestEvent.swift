import Foundation

/// One finished HTTP attempt, for progress output and debugging (`-vvv`). Holds no header, body or
/// credential, so any renderer may print it.
public struct AWSRequestEvent: Sendable, Hashable, CustomStringConvertible {
    public var service: String
    public var operation: String
    public var region: String
    public var attempt: Int
    /// nil when no HTTP answer came (connection refused, timeout).
    public var status: Int?
    /// The AWS error code or a transport failure's kind.
    public var errorCode: String?
    public var duration: TimeInterval
    /// Set when another attempt follows after this many seconds.
    public var retryDelay: TimeInterval?

    public var description: String {
        var text = "\(service) \(operation) \(region) attempt \(attempt): "
        text += status.map { "HTTP \($0)" } ?? "no answer"
        if let errorCode { text += " \(errorCode)" }
        text += String(format: " in %.3f s", duration)
        if let retryDelay { text += String(format: ", retrying in %.2f s", retryDelay) }
        return text
    }
}
