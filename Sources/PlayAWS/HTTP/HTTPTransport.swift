import Foundation

/// Sends one HTTP request and returns the response: the only I/O the AWS clients do.
/// Fault tests wrap it; the default is `CurlTransport`.
public protocol HTTPTransport: Sendable {
    /// Throws `HTTPTransportError` when no HTTP response arrived (connection refused, timeout...).
    func send(_ request: HTTPRequest) async throws -> HTTPResponse

    /// Releases connections; the transport is not used afterwards.
    func shutdown()
}

extension HTTPTransport {
    public func shutdown() {}
}

/// Why an attempt produced no HTTP response. `requestMayHaveReached` tells the retry logic whether a
/// non-idempotent call could have taken effect (a refused connection never did; a timeout might have).
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Nothing was sent: DNS failure, connection refused, TLS handshake failure.
        case cannotConnect
        /// No progress within the timeout.
        case timedOut
        /// The connection broke after the request went out.
        case connectionLost
        /// Local problems such as an unreadable upload file or an unwritable download target.
        case local
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var requestMayHaveReached: Bool { kind == .timedOut || kind == .connectionLost }

    public var description: String { message }
}
