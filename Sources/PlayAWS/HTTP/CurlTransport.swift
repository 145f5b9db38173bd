import Foundation
import Synchronization

/// HTTP through libcurl (loaded on the first request, see `CCurl`), keeping idle transfer
/// handles per connection pool (per service and region): libcurl keeps a handle's connections
/// open, so reusing handles keeps connections warm for the whole run. Redirects are never
/// followed: S3 answers 301/307 for a bucket in another region and the caller must see that.
public final class CurlTransport: HTTPTransport {
    private struct State {
        var idle: [String: [CurlEasy]] = [:]
        var closed = false
    }

    private let state = Mutex(State())
    private let defaultTimeout: TimeInterval
    private let maxConnectionsPerHost: Int

    /// `defaultTimeout`: seconds without progress for requests that do not set their own
    /// (fractions allowed). `maxConnectionsPerHost`: idle handles kept per pool.
    public init(defaultTimeout: TimeInterval = 30, maxConnectionsPerHost: Int = 16) {
        self.defaultTimeout = defaultTimeout
        self.maxConnectionsPerHost = max(1, maxConnectionsPerHost)
    }

    public func shutdown() {
        // Handles (and their connections) close when the last transfer using them ends.
        let dropped = state.withLock { state -> [String: [CurlEasy]] in
            state.closed = true
            defer { state.idle.removeAll() }
            return state.idle
        }
        _ = dropped
    }

    /// How many pools are open (tests check that a run reuses them).
    public var poolCount: Int { state.withLock { $0.idle.count } }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard let url = request.url else {
            throw HTTPTransportError(.local, "cannot form a URL from \(request.summary)")
        }
        let exchange = CurlExchange(
            method: request.method, url: url.absoluteString, headers: request.headers.fields, body: request.body,
            timeout: request.timeout > 0 ? request.timeout : defaultTimeout,
            downloadDestination: request.downloadDestination, summary: request.summary,
            maxBodyBytes: request.maxResponseBytes)
        let easy = try checkOut(request.connectionPool)
        defer { checkIn(easy, request.connectionPool) }
        return try await easy.perform(exchange)
    }

    private func checkOut(_ pool: String) throws(HTTPTransportError) -> CurlEasy {
        let reused = state.withLock { state -> CurlEasy? in
            if state.idle[pool] == nil { state.idle[pool] = [] }
            return state.idle[pool]?.popLast()
        }
        if let reused { return reused }
        return try CurlEasy()
    }

    private func checkIn(_ easy: CurlEasy, _ pool: String) {
        state.withLock { state in
            guard !state.closed, var handles = state.idle[pool], handles.count < maxConnectionsPerHost else { return }
            handles.append(easy)
            state.idle[pool] = handles
        }
    }
}
