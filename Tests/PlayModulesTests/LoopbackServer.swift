import Foundation
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
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        self.fd = fd
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(requested).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
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
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeBytes { send(fd, $0.baseAddress! + offset, data.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
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
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Range<Data.Index>?
        while headerEnd == nil {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return nil }
            data.append(contentsOf: buffer[0..<n])
            headerEnd = data.range(of: Data("\r\n\r\n".utf8))
        }
        let head = String(decoding: data[..<headerEnd!.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(data[headerEnd!.upperBound...])
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while body.count < length {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            body.append(contentsOf: buffer[0..<n])
        }
        return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers,
                       body: String(decoding: body, as: UTF8.self))
    }
}
