import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The session's text on the process's stdout and stderr, written with write(2). A reader
/// that went away (`play ... | head -1`, a closed terminal, a dead `| tee`) must not end a
/// deploy half way: SIGPIPE is ignored and EPIPE (or any other write error) only stops writing
/// to that stream; the run goes on and its exit code is the run's.
public struct StandardStreams: SessionOutput {
    private let out = Stream(descriptor: STDOUT_FILENO)
    private let err = Stream(descriptor: STDERR_FILENO)

    public init() {
        // A write to a closed pipe fails with EPIPE instead of killing the process. Children
        // start with default dispositions (Subprocess resets every signal), so they still get it.
        signal(SIGPIPE, SIG_IGN)
    }

    public func write(_ text: String) { out.write(text) }
    public func error(_ text: String) { err.write(text) }

    private final class Stream: @unchecked Sendable {
        let descriptor: Int32
        private let lock = NSLock()
        private var broken = false

        init(descriptor: Int32) { self.descriptor = descriptor }

        func write(_ text: String) {
            lock.withLock {
                guard !broken else { return }
                var bytes = Array(text.utf8)[...]
                while !bytes.isEmpty {
                    let n = bytes.withUnsafeBytes { writeDescriptor(descriptor, $0.baseAddress, $0.count) }
                    if n > 0 {
                        bytes = bytes.dropFirst(n)
                    } else if n < 0 && errno == EINTR {
                        continue
                    } else {
                        broken = true
                        return
                    }
                }
            }
        }
    }
}

/// write(2), by a name the streams' own `write` does not shadow.
private func writeDescriptor(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
