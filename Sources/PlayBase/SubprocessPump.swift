import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Moves bytes between this process and the child's three pipes (-1 for one not piped).
struct Pump {
    var stdoutFD: Int32
    var stderrFD: Int32
    var stdinFD: Int32
    let input: Data
    var inputOffset = 0
    var stdout: OutputBuffer
    var stderr: OutputBuffer
    /// Small until a read fills it: hundreds of `ssh` masters starting at once each print a line
    /// or nothing, and a 64 KiB buffer apiece would be most of play's memory while they log in.
    private var buffer = [UInt8](repeating: 0, count: Pump.smallRead)
    static let smallRead = 4 * 1024
    static let largeRead = 64 * 1024

    init(stdoutFD: Int32, stderrFD: Int32, stdinFD: Int32, input: Data, outputLimit: Int) {
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
        self.stdinFD = stdinFD
        self.input = input
        stdout = OutputBuffer(limit: outputLimit)
        stderr = OutputBuffer(limit: outputLimit)
        for fd in [stdoutFD, stderrFD, stdinFD] where fd >= 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        if stdinFD >= 0 && input.isEmpty { closeStdin() }
    }

    var readersOpen: Bool { stdoutFD >= 0 || stderrFD >= 0 }

    mutating func step(waitMilliseconds: Int32) {
        var fds: [pollfd] = []
        if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
        if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
        if stdinFD >= 0 { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
        let ready = poll(&fds, nfds_t(fds.count), waitMilliseconds)
        guard ready > 0 else { return }
        for entry in fds where entry.revents != 0 {
            if entry.fd == stdoutFD {
                let before = stdout.bytes.count + stdout.omitted
                if !Subprocess.drain(stdoutFD, buffer: &buffer, into: &stdout) { close(stdoutFD); stdoutFD = -1 }
                grow(read: stdout.bytes.count + stdout.omitted - before)
            } else if entry.fd == stderrFD {
                let before = stderr.bytes.count + stderr.omitted
                if !Subprocess.drain(stderrFD, buffer: &buffer, into: &stderr) { close(stderrFD); stderrFD = -1 }
                grow(read: stderr.bytes.count + stderr.omitted - before)
            } else if entry.fd == stdinFD {
                feed()
            }
        }
    }

    /// A child that prints a lot is read in large chunks once it filled the small buffer.
    private mutating func grow(read: Int) {
        if read >= buffer.count && buffer.count < Self.largeRead {
            buffer = [UInt8](repeating: 0, count: Self.largeRead)
        }
    }

    private mutating func feed() {
        while inputOffset < input.count {
            let chunk = min(input.count - inputOffset, 64 * 1024)
            let n = input.withUnsafeBytes { raw in
                write(stdinFD, raw.baseAddress! + inputOffset, chunk)
            }
            if n > 0 {
                inputOffset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            break  // EPIPE: the child does not want the rest
        }
        closeStdin()
    }

    private mutating func closeStdin() {
        if stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
    }

    mutating func closeAll() {
        for fd in [stdoutFD, stderrFD, stdinFD] where fd >= 0 { close(fd) }
        stdoutFD = -1
        stderrFD = -1
        stdinFD = -1
    }
}
