import Foundation
import PlayTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP server on 127.0.0.1 (port chosen by the kernel) that answers each request with the
/// next `(status, body)` of its script, repeating the last one; one connection per request.
/// Stopped with `stop()` (its thread ends; the socket closes).
final class ScriptedHTTPServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var script: [(Int, String)]
    private var served = 0
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    var url: String { "http://127.0.0.1:\(port)" }
    var requests: Int { lock.withLock { served } }

    init(_ script: [(Int, String)]) throws {
        precondition(!script.isEmpty)
        self.script = script
        (fd, port) = try LoopbackSocket.listen(backlog: 32)
        Thread { [self] in serve() }.start()
    }

    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        finished.wait()
        close(fd)
    }

    private func serve() {
        while !lock.withLock({ stopped }) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 50) > 0 else { continue }
            let client = accept(fd, nil, nil)
            guard client >= 0 else { continue }
            answer(client)
            close(client)
        }
        finished.signal()
    }

    private func answer(_ client: Int32) {
        // Read until the end of the headers (GET requests have no body).
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.ends(with: Array("\r\n\r\n".utf8)) && received.count < 65536 {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { return }
            received += buffer.prefix(n)
        }
        let (status, body) = lock.withLock { () -> (Int, String) in
            let next = script[min(served, script.count - 1)]
            served += 1
            return next
        }
        let response = "HTTP/1.1 \(status) X\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        let bytes = Array(response.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBufferPointer { write(client, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            sent += n
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
