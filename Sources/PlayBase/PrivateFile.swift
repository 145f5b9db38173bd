import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file only its owner can read, born that way: mkstemp creates it 0600 with O_EXCL (never
/// through a planted symlink, never a moment readable by others), then the bytes go in. For
/// data that may hold secrets on its way to a child process (a module's arguments).
public enum PrivateFile {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Creates `DIRECTORY/PREFIX` plus six random characters holding `contents`; returns its path.
    public static func create(_ contents: Data, in directory: String, prefix: String) throws(Failure) -> String {
        var template = Array("\(directory)/\(prefix)XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw Failure(description: "cannot create a private file in \(directory): \(String(cString: strerror(errno)))")
        }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var written = 0
        let ok = contents.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Bool in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                written += n
            }
            return true
        }
        let reason = String(cString: strerror(errno))
        close(fd)
        guard ok else {
            unlink(path)
            throw Failure(description: "cannot write \(path): \(reason)")
        }
        return path
    }
}
