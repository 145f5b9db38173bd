import Foundation
import PlayTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A TCP server on 127.0.0.1 with a port the kernel picks, for tests: each accepted connection
/// is handed to `handler` on the server's own thread, then closed. `stop()` ends it (also on
/// deinit).
final class LoopbackServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let state = State()

    /// Shared with the accepting thread, which must not keep the server alive.
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var stopped = false
        let done = DispatchSemaphore(value: 0)
        var isStopped: Bool { lock.withLock { stopped } }
    }

    init(port requested: Int = 0, handler: @escaping @Sendable (Int32) -> Void) throws {
        let (fd, port) = try LoopbackSocket.listen(port: requested, backlog: 16)
        self.fd = fd
        self.port = port
        let listener = fd
        let state = self.state
        let thread = Thread {
            while !state.isStopped {
                var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 50) > 0 else { continue }
                let client = accept(listener, nil, nil)
                guard client >= 0 else { continue }
                handler(client)
                close(client)
            }
            state.done.signal()
        }
        thread.start()
    }

    func stop() {
        let first = state.lock.withLock { () -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        state.done.wait()
        close(fd)
    }

    deinit { stop() }

    /// A port nothing listens on (bound, then released).
    static func closedPort() throws -> Int {
        let server = try LoopbackServer { _ in }
        let port = server.port
        server.stop()
        return port
    }

    /// Writes all of `data` to a socket.
    static func sendAll(_ fd: Int32, _ data: Data) {
        LoopbackSocket.sendAll(fd, data)
    }
}

/// A minimal HTTP/1.1 server for the `uri` tests: parses the request line, headers and a
/// Content-Length body, answers with what `route` returns, one request per connection.
final class HTTPTestServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var target: String
        var headers: [String: String]
        var body: String
    }

    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: String = ""
    }

    private let server: LoopbackServer

    var port: Int { server.port }

    init(route: @escaping @Sendable (Request) -> Response) throws {
        let log = Log()
        server = try LoopbackServer { client in
            guard let request = HTTPTestServer.readRequest(client) else { return }
            log.append(request)
            let response = route(request)
            var text = "HTTP/1.1 \(response.status) Whatever\r\nContent-Length: \(Data(response.body.utf8).count)\r\nConnection: close\r\n"
            for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
            text += "\r\n" + response.body
            LoopbackServer.sendAll(client, Data(text.utf8))
        }
        self.log = log
    }

    private let log: Log
    var received: [Request] { log.items }

    func stop() { server.stop() }

    private final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [Request] = []
        func append(_ r: Request) { lock.withLock { list.append(r) } }
        var items: [Request] { lock.withLock { list } }
    }

    private static func readRequest(_ fd: Int32) -> Request? {
        guard let request = LoopbackSocket.readHTTPRequest(fd) else { return nil }
        return Request(method: request.method, target: request.target, headers: request.headers,
                       body: String(decoding: request.body, as: UTF8.self))
    }
}
