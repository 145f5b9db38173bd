import Foundation
import PlayBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One long-lived `/bin/sh` on a host, started over the host's master, that runs the run's
/// commands one after another. A command then costs a write and a read on open pipes instead of
/// a new `ssh` client process here and a new session (fork, login shell) on the host: most of
/// the CPU a short task costs on both ends.
///
/// Nothing carries over from one command to the next: each runs as its own `/bin/sh -c` child
/// (the same words `ssh` would carry) from the login directory, its input from us or
/// /dev/null. After it exits, the session prints a marker with a per-session random token and
/// the exit status on stdout and a marker on stderr; the bytes before them are the command's
/// output. `run` answers nil when the session cannot take a command (busy with another, input
/// too large to inline, the session could not start): the caller then uses one `ssh` per command.
final class SSHShellSession: @unchecked Sendable {
    enum Reply: Sendable {
        /// `omitted`: bytes of stdout and stderr dropped over the output limit.
        case finished(status: Int32, stdout: Data, stderr: Data, duration: Duration, omitted: (stdout: Int, stderr: Int))
        /// The session ended before the command's markers (shell killed, connection lost);
        /// what arrived so far, ssh's own complaint included.
        case lost(stdout: Data, stderr: Data)
        /// The time limit passed; the command's stderr so far (its pid marker among it).
        case timedOut(stderr: Data)
        case cancelled
    }

    /// Input up to this size travels inline in the command text; larger input goes by `ssh`.
    static let maxInlineInput = 256 * 1024

    private let launch: [String]
    private let token: String
    private let lock = NSLock()
    private var child: Child?
    private var busy = false
    private var closed = false
    private var sequence = 0

    /// How many commands went through this session (tests check which path a command took).
    var commandsSent: Int { lock.withLock { sequence } }

    /// `launch`: the ssh command line that starts the remote shell over the master.
    init(launch: [String]) {
        self.launch = launch
        var generator = SystemRandomNumberGenerator()
        token = (0..<4).map { _ in String(UInt32.random(in: .min ... .max, using: &generator), radix: 16) }.joined()
    }

    func run(_ words: [String], stdin: Data?, timeout: Duration?, outputLimit: Int = OutputBuffer.defaultLimit) async -> Reply? {
        if let stdin, stdin.count > Self.maxInlineInput { return nil }
        let claimed: (child: Child, sequence: Int)? = lock.withLock {
            guard !busy, !closed else { return nil }
            if child == nil { child = Child.start(launch) }
            guard let child else { return nil }
            busy = true
            sequence += 1
            return (child, sequence)
        }
        guard let (child, sequence) = claimed else { return nil }
        let script = Self.script(words: words, stdin: stdin, token: token, sequence: sequence)
        let markers = Markers(token: token, sequence: sequence)
        let cancel = CancelFlag()
        let reply = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Reply, Never>) in
                let thread = Thread {
                    continuation.resume(returning: child.exchange(script, markers: markers, timeout: timeout,
                                                                   outputLimit: outputLimit, cancel: cancel))
                }
                thread.stackSize = 256 * 1024
                thread.start()
            }
        } onCancel: {
            cancel.set()
        }
        let finished: Bool
        if case .finished = reply { finished = true } else { finished = false }
        let retire = lock.withLock { () -> Bool in
            busy = false
            if finished && !closed { return false }
            // Whatever went wrong, this shell is not trusted again; the next command starts another.
            if self.child === child { self.child = nil }
            return true
        }
        if retire { await Self.blocking { child.terminate(grace: finished ? .seconds(2) : .zero) } }
        return reply
    }

    /// Ends the shell (end of input, then a kill if it lingers) and reaps its ssh process.
    /// Later `run` calls answer nil.
    func close() async {
        let child: Child? = lock.withLock {
            closed = true
            // A command under way retires the shell itself when it returns.
            guard !busy else { return nil }
            defer { self.child = nil }
            return self.child
        }
        if let child { await Self.blocking { child.terminate(grace: .seconds(2)) } }
    }

    /// Kills the shell's ssh process group at once, for an exit that cannot wait; nothing is reaped.
    func killNow() {
        let child: Child? = lock.withLock {
            closed = true
            return self.child
        }
        if let child { kill(-child.pid, SIGKILL) }
    }

    private static func blocking(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                work()
                continuation.resume()
            }
            thread.stackSize = 128 * 1024
            thread.start()
        }
    }

    // MARK: - The text sent for one command

    /// `words` as one command with its input inline (or /dev/null), then the two markers.
    static func script(words: [String], stdin: Data?, token: String, sequence: Int) -> String {
        let command = CommandScript.commandLine(words)
        let run: String
        if let stdin {
            run = "printf '\(printfFormat(stdin))' | \(command)"
        } else {
            run = "\(command) </dev/null"
        }
        return "\(run)\ns=$?; printf '\\036play:end:\(token):\(sequence):%d\\036' \"$s\"; printf '\\036play:end:\(token):\(sequence)\\036' >&2\n"
    }

    /// `data` as a single-quoted printf format that prints exactly those bytes: printable
    /// ASCII and newlines as they are, everything else (and `%`, `\`, `'`) as a 3-digit octal escape.
    static func printfFormat(_ data: Data) -> String {
        var out = [UInt8]()
        out.reserveCapacity(data.count + data.count / 4)
        for byte in data {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "\\"), UInt8(ascii: "'"):
                appendOctal(byte, to: &out)
            case 0x20...0x7e, UInt8(ascii: "\n"):
                out.append(byte)
            default:
                appendOctal(byte, to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendOctal(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "0") + byte >> 6)
        out.append(UInt8(ascii: "0") + (byte >> 3) & 7)
        out.append(UInt8(ascii: "0") + byte & 7)
    }

    // MARK: - Reading the answer

    /// The byte patterns that end one command's stdout (`…:STATUS` then 0x1E) and stderr.
    struct Markers: Sendable {
        let stdoutPrefix: Data
        let stderrMarker: Data

        init(token: String, sequence: Int) {
            stdoutPrefix = Data("\u{1E}play:end:\(token):\(sequence):".utf8)
            stderrMarker = Data("\u{1E}play:end:\(token):\(sequence)\u{1E}".utf8)
        }

        /// Where the command's stdout ends, and its status, once the stdout marker is complete.
        /// The marker cannot start before `from`, where the data ended at the previous look minus
        /// a marker's length, so big outputs are scanned once.
        func stdoutEnd(_ data: Data, from: Int = 0) -> (end: Int, status: Int32)? {
            let from = data.startIndex + max(0, from - stdoutPrefix.count - 12)
            guard let start = data.range(of: stdoutPrefix, in: from..<data.endIndex) else { return nil }
            let rest = data[start.upperBound...]
            guard let end = rest.firstIndex(of: 0x1E) else { return nil }
            let digits = String(decoding: rest[rest.startIndex..<end], as: UTF8.self)
            guard let status = Int32(digits) else { return nil }
            return (start.lowerBound - data.startIndex, status)
        }

        /// Where the command's stderr ends, once its marker arrived.
        func stderrEnd(_ data: Data, from: Int = 0) -> Int? {
            let from = data.startIndex + max(0, from - stderrMarker.count)
            guard let marker = data.range(of: stderrMarker, in: from..<data.endIndex) else { return nil }
            return marker.lowerBound - data.startIndex
        }
    }

    private final class CancelFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    // MARK: - The local ssh process

    /// The `ssh` process that carries the shell, and our ends of its pipes (non-blocking).
    private final class Child: @unchecked Sendable {
        let pid: pid_t
        private let input: Int32, output: Int32, errors: Int32
        /// The read buffer, there only while a command runs: a run on hundreds of hosts keeps a
        /// session per host, and a buffer each for the whole run would be most of play's memory.
        private var buffer: [UInt8] = []
        private static let readSize = 16 * 1024
        private let reaping = NSLock()
        private var reaped = false

        private init(pid: pid_t, input: Int32, output: Int32, errors: Int32) {
            self.pid = pid
            self.input = input
            self.output = output
            self.errors = errors
        }

        static func start(_ arguments: [String]) -> Child? {
            var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
            guard Subprocess.makePipe(&inPipe), Subprocess.makePipe(&outPipe), Subprocess.makePipe(&errPipe) else {
                (inPipe + outPipe + errPipe).filter { $0 >= 0 }.forEach { closeDescriptor($0) }
                return nil
            }
            let spawned = Subprocess.spawn(arguments, environment: nil, stdin: .descriptor(inPipe[0]),
                                           stdout: .descriptor(outPipe[1]), stderr: .descriptor(errPipe[1]), processGroup: true)
            for fd in [inPipe[0], outPipe[1], errPipe[1]] { closeDescriptor(fd) }
            guard case .success(let pid) = spawned else {
                for fd in [inPipe[1], outPipe[0], errPipe[0]] { closeDescriptor(fd) }
                return nil
            }
            for fd in [inPipe[1], outPipe[0], errPipe[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            return Child(pid: pid, input: inPipe[1], output: outPipe[0], errors: errPipe[0])
        }

        /// Sends one command and reads until both its markers arrived. Runs on its own thread.
        func exchange(_ script: String, markers: Markers, timeout: Duration?, outputLimit: Int, cancel: CancelFlag) -> Reply {
            // Writing to a shell that died must fail with EPIPE, not kill play.
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)

            let clock = ContinuousClock()
            let start = clock.now
            let deadline = timeout.map { start + $0 }
            buffer = [UInt8](repeating: 0, count: Self.readSize)
            defer { buffer = [] }
            // Bytes a previous command's background child wrote after its markers are not this
            // command's output.
            var stale = Data()
            _ = drain(output, into: &stale)
            _ = drain(errors, into: &stale)
            // Output beyond the limit is dropped from the middle; the markers come last, so
            // they always stay in the kept tail.
            var stdout = OutputBuffer(limit: outputLimit), stderr = OutputBuffer(limit: outputLimit)
            func lost() -> Reply { .lost(stdout: stdout.result().data, stderr: stderr.result().data) }

            let request = Array(script.utf8)
            var written = 0
            var status: Int32?
            var stdoutEnd: Int?, stderrEnd: Int?
            while status == nil || stderrEnd == nil {
                if cancel.isSet { return .cancelled }
                var wait: Int32 = 100
                if let deadline {
                    let left = deadline - clock.now
                    if left <= .zero { return .timedOut(stderr: stderr.result().data) }
                    wait = Int32(max(1, min(100, left.wholeMilliseconds)))
                }
                var fds = [pollfd(fd: output, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: errors, events: Int16(POLLIN), revents: 0)]
                if written < request.count { fds.append(pollfd(fd: input, events: Int16(POLLOUT), revents: 0)) }
                let ready = poll(&fds, nfds_t(fds.count), wait)
                if ready < 0 && errno != EINTR { return lost() }
                if ready <= 0 { continue }
                if fds.count > 2 && fds[2].revents != 0 {
                    let n = request.withUnsafeBytes { write(input, $0.baseAddress! + written, request.count - written) }
                    if n > 0 {
                        written += n
                    } else if n < 0 && errno != EAGAIN && errno != EINTR {
                        return lost()
                    }
                }
                // After its marker, a stream's bytes belong to no command: read and dropped.
                if fds[0].revents != 0 && status != nil {
                    _ = drain(output, into: &stale)
                } else if fds[0].revents != 0 {
                    let seen = Self.newDataStart(&stdout) { drain(output, into: &$0) }
                    if let end = markers.stdoutEnd(stdout.bytes, from: seen.start) { (stdoutEnd, status) = (end.end, end.status) }
                    if !seen.open && status == nil { return lost() }
                }
                if fds[1].revents != 0 && stderrEnd != nil {
                    _ = drain(errors, into: &stale)
                } else if fds[1].revents != 0 {
                    let seen = Self.newDataStart(&stderr) { drain(errors, into: &$0) }
                    stderrEnd = markers.stderrEnd(stderr.bytes, from: seen.start)
                    if !seen.open && stderrEnd == nil { return lost() }
                }
                stale.removeAll(keepingCapacity: true)
            }
            let out = stdout.result(upTo: stdoutEnd), err = stderr.result(upTo: stderrEnd)
            return .finished(status: status!, stdout: out.data, stderr: err.data, duration: clock.now - start,
                             omitted: (out.dropped, err.dropped))
        }

        /// Reads into `buffer`; where the new bytes start in it (a cut moves them forward) and
        /// whether the pipe is still open.
        private static func newDataStart(_ buffer: inout OutputBuffer, _ read: (inout OutputBuffer) -> Bool) -> (start: Int, open: Bool) {
            let (count, omitted) = (buffer.bytes.count, buffer.omitted)
            let open = read(&buffer)
            return (max(0, count - (buffer.omitted - omitted)), open)
        }

        private func drain(_ fd: Int32, into data: inout Data) -> Bool {
            Subprocess.drain(fd, buffer: &buffer, into: &data)
        }

        private func drain(_ fd: Int32, into output: inout OutputBuffer) -> Bool {
            Subprocess.drain(fd, buffer: &buffer, into: &output)
        }

        /// Ends input (the shell exits at end of file), waits up to `grace`, then kills the
        /// process group; reaps the ssh process and closes our pipe ends. Runs on its own thread.
        func terminate(grace: Duration) {
            let first = reaping.withLock { () -> Bool in
                defer { reaped = true }
                return !reaped
            }
            guard first else { return }
            closeDescriptor(input)
            let clock = ContinuousClock()
            let deadline = clock.now + grace
            var status: Int32 = 0
            var pause: UInt32 = 200
            while waitpid(pid, &status, WNOHANG) == 0 {
                if clock.now >= deadline {
                    kill(-pid, SIGKILL)
                    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                    break
                }
                usleep(pause)
                pause = min(pause * 2, 20_000)
            }
            closeDescriptor(output)
            closeDescriptor(errors)
        }
    }
}

/// close(2), by a name no type here shadows.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
