import Foundation
import PlayTestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 with a free port, for tests: fake instance metadata, an
/// endpoint that never answers (timeouts), canned error pages. One thread per connection, one
/// request per connection (`Connection: close`).
final class LocalHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        /// Lowercased names.
        var headers: [String: String]
        var body: Data
    }

    enum Reply: Sendable {
        case respond(status: Int, headers: [(String, String)], body: Data)
        /// Read the request, then never answer (until the server stops).
        case stall

        static func text(_ status: Int, _ body: String, contentType: String = "text/plain") -> Reply {
            .respond(status: status, headers: [("Content-Type", contentType)], body: Data(body.utf8))
        }
    }

    let port: Int
    private let listener: Int32
    private let handler: @Sendable (Request) -> Reply
    private let lock = NSLock()
    private var received: [Request] = []
    private var openConnections: Set<Int32> = []
    private var stopped = false

    var url: String { "http://127.0.0.1:\(port)" }

    var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    init(handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
        (listener, port) = try LoopbackSocket.listen()
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// Stops accepting and closes every connection, stalled ones included.
    func stop() {
        lock.lock()
        if stopped { lock.unlock(); return }
        stopped = true
        let connections = openConnections
        openConnections.removeAll()
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in connections {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                lock.lock()
                let done = stopped
                lock.unlock()
                if done { return }
                continue
            }
            lock.lock()
            if stopped {
                lock.unlock()
                close(fd)
                return
            }
            openConnections.insert(fd)
            lock.unlock()
            let thread = Thread { [self] in serve(fd) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        guard let request = readRequest(fd) else { finish(fd); return }
        lock.lock()
        received.append(request)
        lock.unlock()
        switch handler(request) {
        case .stall:
            return // closed by stop()
        case .respond(let status, let headers, let body):
            var head = "HTTP/1.1 \(status) \(status < 400 ? "OK" : "Error")\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            LoopbackSocket.sendAll(fd, Data(head.utf8) + body)
            finish(fd)
        }
    }

    private func finish(_ fd: Int32) {
        lock.lock()
        let owned = openConnections.remove(fd) != nil
        lock.unlock()
        if owned { close(fd) }
    }

    private func readRequest(_ fd: Int32) -> Request? {
        guard let request = LoopbackSocket.readHTTPRequest(fd) else { return nil }
        return Request(method: request.method, path: request.target, headers: request.headers, body: request.body)
    }
}
