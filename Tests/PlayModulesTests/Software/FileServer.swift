import Foundation
import PlayTestSupport

/// An HTTP/1.1 server on 127.0.0.1:0 that serves byte bodies by path, for the download
/// modules' tests: `GET` and `HEAD`, `If-Modified-Since` against a fixed Last-Modified (304),
/// Basic authentication on paths under `/private/`, headers recorded per request.
final class FileServer: @unchecked Sendable {
    struct Entry: Sendable {
        var body: Data
        var headers: [(String, String)] = []
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var log: [(method: String, path: String, headers: [String: String])] = []
    private var server: LoopbackServer!
    /// Served as Last-Modified; a request whose If-Modified-Since is not older gets 304.
    static let lastModified = "Mon, 02 Jan 2023 03:04:05 GMT"
    static let credentials = "Basic " + Data("alice:s3cret".utf8).base64EncodedString()

    var port: Int { server.port }
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    init() throws {
        server = try LoopbackServer { [unowned self] fd in self.answer(fd) }
    }

    func stop() { server.stop() }

    func set(_ path: String, _ body: Data, headers: [(String, String)] = []) {
        lock.withLock { entries[path] = Entry(body: body, headers: headers) }
    }

    func set(_ path: String, _ text: String, headers: [(String, String)] = []) { set(path, Data(text.utf8), headers: headers) }

    var requests: [(method: String, path: String, headers: [String: String])] { lock.withLock { log } }

    private func answer(_ fd: Int32) {
        guard let request = LoopbackSocket.readHTTPRequest(fd) else { return }
        var headers: [String: String] = [:]
        for (k, v) in request.headers { headers[k.lowercased()] = v }
        let path = String(request.target.prefix { $0 != "?" })
        let entry = lock.withLock { () -> Entry? in
            log.append((request.method, path, headers))
            return entries[path]
        }
        func send(_ status: String, _ extra: [(String, String)] = [], body: Data = Data()) {
            var head = "HTTP/1.1 \(status)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
            for (k, v) in extra { head += "\(k): \(v)\r\n" }
            var data = Data((head + "\r\n").utf8)
            if request.method != "HEAD" { data.append(body) }
            LoopbackSocket.sendAll(fd, data)
        }
        if path.hasPrefix("/private/"), headers["authorization"] != Self.credentials {
            send("401 Unauthorized", [("WWW-Authenticate", "Basic realm=\"test\"")])
            return
        }
        guard let entry else {
            send("404 Not Found", body: Data("no such file\n".utf8))
            return
        }
        if let since = headers["if-modified-since"], let date = Self.parse(since), let modified = Self.parse(Self.lastModified),
           date >= modified {
            send("304 Not Modified")
            return
        }
        send("200 OK", [("Last-Modified", Self.lastModified)] + entry.headers, body: entry.body)
    }

    private static func parse(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return f.date(from: text)
    }
}
