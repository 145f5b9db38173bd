import Foundation
@testable import PlayAWS

/// Wraps a real transport and, for the first requests, answers with scripted faults instead:
/// canned AWS error bodies, a redirect to an endpoint that never answers, or a transport error.
/// Everything after the script goes through to the real server.
final class FaultInjectingTransport: HTTPTransport, @unchecked Sendable {
    enum Fault: Sendable {
        case respond(status: Int, body: String, headers: HTTPHeaders = HTTPHeaders())
        /// Send this attempt to another endpoint instead (a stalling local server: a real timeout).
        case redirect(host: String, port: Int)
        case fail(HTTPTransportError)
        /// Let this one through.
        case pass
    }

    private let inner: any HTTPTransport
    private let lock = NSLock()
    private var script: [Fault]
    private let repeatLast: Bool
    private(set) var seen: [HTTPRequest] = []

    /// `repeatLast`: keep applying the last fault forever (to exhaust the retry limit).
    init(_ inner: any HTTPTransport, script: [Fault], repeatLast: Bool = false) {
        self.inner = inner
        self.script = script
        self.repeatLast = repeatLast
    }

    var requests: [HTTPRequest] {
        lock.lock()
        defer { lock.unlock() }
        return seen
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let fault: Fault = {
            lock.lock()
            defer { lock.unlock() }
            seen.append(request)
            guard let first = script.first else { return .pass }
            if script.count > 1 || !repeatLast { script.removeFirst() }
            return first
        }()
        switch fault {
        case .pass:
            return try await inner.send(request)
        case .respond(let status, let body, let headers):
            return HTTPResponse(status: status, headers: headers, body: Data(body.utf8))
        case .redirect(let host, let port):
            var diverted = request
            diverted.host = host
            diverted.port = port
            diverted.connectionPool = "diverted"
            return try await inner.send(diverted)
        case .fail(let error):
            throw error
        }
    }

    func shutdown() { inner.shutdown() }

    // Canned bodies (see moto-notes.md: moto itself cannot throttle).
    static let ec2Throttle = Fault.respond(status: 503, body: "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>x</RequestID></Response>")
    static let elbThrottle = Fault.respond(status: 400, body: #"<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>"#)
    static let s3SlowDown = Fault.respond(status: 503, body: "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
    static let ec2InternalError = Fault.respond(status: 500, body: "<Response><Errors><Error><Code>InternalError</Code><Message>An internal error has occurred</Message></Error></Errors><RequestID>y</RequestID></Response>")
    static let htmlBadGateway = Fault.respond(status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>")
}
