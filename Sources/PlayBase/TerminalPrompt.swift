import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks the person at the terminal for a line, for `pause` and `vars_prompt`. Interactive means play's standard
/// input is a terminal (Ansible's test); the prompt and the answer go through the terminal
/// device itself, so play's own output streams stay clean. Reading polls in short steps on a
/// thread of its own, so a cancelled run (Ctrl-C) stops waiting.
public struct TerminalPrompt: Sendable {
    /// The terminal device (`/dev/tty`, or a pseudo-terminal in tests).
    public var device: String
    public var isInteractive: @Sendable () -> Bool

    public init(device: String, isInteractive: @escaping @Sendable () -> Bool) {
        self.device = device
        self.isInteractive = isInteractive
    }

    public static let system = TerminalPrompt(device: "/dev/tty", isInteractive: { isatty(STDIN_FILENO) == 1 })

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Shows `prompt`, reads one line (without its newline); echo off hides what is typed.
    public func readLine(prompt: String, echo: Bool) async throws -> String {
        let control = Control()
        let device = self.device
        let result: Result<String, Failure> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: Self.readBlocking(device: device, prompt: prompt, echo: echo, control: control))
                }
                thread.stackSize = 256 * 1024
                thread.start()
            }
        } onCancel: {
            control.cancel()
        }
        if control.isCancelled { throw CancellationError() }
        return try result.get()
    }

    private static func readBlocking(device: String, prompt: String, echo: Bool, control: Control) -> Result<String, Failure> {
        let fd = open(device, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            return .failure(Failure(description: "cannot open the terminal \(device): \(String(cString: strerror(errno)))"))
        }
        defer { close(fd) }
        var saved = termios()
        let haveAttributes = tcgetattr(fd, &saved) == 0
        if !echo, haveAttributes {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(fd, TCSANOW, &quiet)
        }
        defer { if !echo, haveAttributes { tcsetattr(fd, TCSANOW, &saved) } }
        let bytes = Array(prompt.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var line = Data()
        var byte: UInt8 = 0
        while !control.isCancelled {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 100)
            if ready < 0 && errno != EINTR { break }
            guard ready > 0 else { continue }
            let n = read(fd, &byte, 1)
            if n <= 0 { break }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            line.append(byte)
        }
        if !echo { _ = write(fd, "\n", 1) }
        return .success(String(decoding: line, as: UTF8.self))
    }

    /// Shared between the waiting task and the reading thread.
    private final class Control: @unchecked Sendable {
        private let lock = NSLock()
        private var cancelled = false
        func cancel() { lock.withLock { cancelled = true } }
        var isCancelled: Bool { lock.withLock { cancelled } }
    }
}
