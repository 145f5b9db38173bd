#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX file helpers: whole-file reads with the errno kept for messages, path pieces.
package enum FileIO {
    package struct Failure: Error, Sendable {
        package var errno: Int32
        package var reason: String { String(cString: strerror(errno)) }
    }

    package static func read(path: String) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(Failure(errno: errno)) }
        defer { close(fd) }
        return read(fd: fd)
    }

    package static func readAll(path: String) -> [UInt8]? {
        try? read(path: path).get()
    }

    package static func read(fd: Int32) -> Result<[UInt8], Failure> {
        var info = stat()
        var data: [UInt8] = []
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG { data.reserveCapacity(Int(info.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 { data += chunk[0..<n]; continue }
            if n == 0 { return .success(data) }
            if errno == EINTR { continue }
            return .failure(Failure(errno: errno))
        }
    }

    /// Writes everything, retrying short writes and EINTR.
    package static func write(fd: Int32, _ bytes: [UInt8]) -> Failure? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return Failure(errno: errno)
            }
            offset += n
        }
        return nil
    }

    /// Overwrites a file's bytes with zeros in place, so the data does not linger in freed pages.
    package static func scrub(fd: Int32) {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return }
        let zeros = [UInt8](repeating: 0, count: 1 << 16)
        var remaining = Int(info.st_size)
        var offset: off_t = 0
        while remaining > 0 {
            let n = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress, min(remaining, $0.count), offset) }
            if n <= 0 { if errno == EINTR { continue }; break }
            remaining -= n
            offset += off_t(n)
        }
        fsync(fd)
    }

    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The absolute, normalised path (`.` and `..` resolved lexically, symlinks kept), like
    /// Python's os.path.abspath, which ansible uses in its messages.
    package static func absolutePath(_ path: String) -> String {
        var full = path
        if !path.hasPrefix("/"), let cwd = getcwd(nil, 0) {
            full = String(cString: cwd) + "/" + path
            free(cwd)
        }
        return normalize(full)
    }

    package static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    package static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    package static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The extension with its dot (`.yml`), as Python's os.path.splitext gives it, or "".
    package static func pathExtension(of path: String) -> String {
        let name = baseName(of: path)
        let leadingDots = name.prefix(while: { $0 == "." }).count
        guard let dot = name.lastIndex(of: "."), name.distance(from: name.startIndex, to: dot) >= leadingDots else { return "" }
        return String(name[dot...])
    }

    package static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    package static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }
}
