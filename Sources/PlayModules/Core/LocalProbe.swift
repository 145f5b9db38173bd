import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `wait_for` checks done natively when the target is this machine (the local connection):
/// a non-blocking TCP connect polled between short sleeps, so waiting never holds one of
/// Swift's cooperative threads.
enum LocalProbe {
    /// One check of `condition`: whether it holds now, and for pattern checks the text that
    /// matched against (the file's content, or what the port sent).
    static func check(_ condition: WaitCondition, connectTimeout: Duration) async throws -> (holds: Bool, text: String?) {
        switch condition {
        case .portOpen(let host, let port, let pattern):
            guard let fd = try await connect(host: host, port: port, timeout: connectTimeout) else { return (false, nil) }
            defer { close(fd) }
            guard let pattern else { return (true, nil) }
            let text = try await read(fd, until: pattern, timeout: connectTimeout)
            return (WaitCondition.search(pattern, in: text) != nil, text)
        case .portClosed(let host, let port):
            guard let fd = try await connect(host: host, port: port, timeout: connectTimeout) else { return (true, nil) }
            close(fd)
            return (false, nil)
        case .pathPresent(let path, let pattern):
            let expanded = NSString(string: path).expandingTildeInPath
            guard FileManager.default.fileExists(atPath: expanded) else { return (false, nil) }
            guard let pattern else { return (true, nil) }
            guard let data = FileManager.default.contents(atPath: expanded) else { return (false, nil) }
            let text = String(decoding: data, as: UTF8.self)
            return (WaitCondition.search(pattern, in: text) != nil, text)
        case .pathAbsent(let path):
            var st = stat()
            return (lstat(NSString(string: path).expandingTildeInPath, &st) != 0, nil)
        case .time, .portDrained:
            // Drained is read from the TCP tables by the module itself (TCPConnectionTable).
            return (false, nil)
        }
    }

    /// What Ansible adds to a result naming an existing path (`stat -c '%a %u %g %s %U %G %F'`
    /// as `ScriptRecords.fileAttributes` reads it), or nil when the path is gone.
    static func attributeLine(_ path: String) -> String? {
        var st = stat()
        guard lstat(NSString(string: path).expandingTildeInPath, &st) == 0 else { return nil }
        let owner = getpwuid(st.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "UNKNOWN"
        let group = getgrgid(st.st_gid).map { String(cString: $0.pointee.gr_name) } ?? "UNKNOWN"
        let type: String
        switch st.st_mode & S_IFMT {
        case S_IFDIR: type = "directory"
        case S_IFLNK: type = "symbolic link"
        default: type = "regular file"
        }
        return "\(String(st.st_mode & 0o7777, radix: 8)) \(st.st_uid) \(st.st_gid) \(st.st_size) \(owner) \(group) \(type)"
    }

    /// A connected socket to host:port, or nil if every address refused or timed out.
    static func connect(host: String, port: Int, timeout: Duration) async throws -> Int32? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        let deadline = ContinuousClock.now + timeout
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if socketConnect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            guard errno == EINPROGRESS else { close(fd); continue }
            var connected = false
            while ContinuousClock.now < deadline {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&pfd, 1, 0) > 0 {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    connected = error == 0
                    break
                }
                do {
                    try await Task.sleep(for: .milliseconds(5))
                } catch {
                    close(fd)
                    throw error
                }
            }
            if connected { return fd }
            close(fd)
        }
        return nil
    }

    /// Reads what the peer sends until `pattern` matches it, the peer closes, or time runs out.
    private static func read(_ fd: Int32, until pattern: String, timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 {
                data.append(contentsOf: buffer[0..<n])
                if WaitCondition.search(pattern, in: String(decoding: data, as: UTF8.self)) != nil { break }
                continue
            }
            if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The C library's connect(2), out of reach by name inside `LocalProbe.connect`.
private func socketConnect(_ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>!, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}
