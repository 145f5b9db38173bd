import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a child process did.
struct SubprocessOutput: Sendable {
    /// The exit code, or minus the signal number that killed it.
    var status: Int32
    var stdout: Data
    var stderr: Data
    /// The time limit passed and the process group was killed.
    var timedOut: Bool
    /// The waiting task was cancelled and the process group was killed.
    var cancelled: Bool
    var duration: Duration
}

/// The child could not be started at all (no such executable, out of resources).
struct SubprocessLaunchError: Error, Sendable, CustomStringConvertible {
    var executable: String
    var code: Int32
    var description: String { "cannot run \(executable): \(String(cString: strerror(code)))" }
}

/// Runs child processes without blocking Swift's cooperative threads: each child gets one
/// plain thread that spawns it (posix_spawn, in a process group of its own so a time limit or
/// a cancellation kills everything it started, and so a Ctrl-C at the terminal does not), pumps
/// its stdin/stdout/stderr with poll(2), and reaps it.
enum Subprocess {
    static func run(
        _ arguments: [String],
        environment: [String: String]? = nil,
        stdin: Data? = nil,
        timeout: Duration? = nil
    ) async throws(SubprocessLaunchError) -> SubprocessOutput {
        precondition(!arguments.isEmpty, "a subprocess needs an executable")
        let control = SubprocessControl()
        let result: Result<SubprocessOutput, SubprocessLaunchError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: runBlocking(arguments, environment, stdin, timeout, control))
                }
                thread.stackSize = 256 * 1024
                thread.start()
            }
        } onCancel: {
            control.cancel()
        }
        return try result.get()
    }

    // MARK: - The blocking part, on the child's own thread

    private static func runBlocking(
        _ arguments: [String],
        _ environment: [String: String]?,
        _ input: Data?,
        _ timeout: Duration?,
        _ control: SubprocessControl
    ) -> Result<SubprocessOutput, SubprocessLaunchError> {
        let clock = ContinuousClock()
        let start = clock.now
        // A write to a stdin the child has closed must fail with EPIPE, not kill us. The signal
        // is thread-directed, so blocking it here is enough; a pending one dies with the thread.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)

        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        var inPipe: [Int32] = [-1, -1]
        guard makePipe(&outPipe), makePipe(&errPipe), input == nil || makePipe(&inPipe) else {
            let code = errno
            (outPipe + errPipe + inPipe).filter { $0 >= 0 }.forEach { close($0) }
            return .failure(SubprocessLaunchError(executable: arguments[0], code: code))
        }

        let spawned = spawn(arguments, environment, stdinFD: inPipe[0], stdoutFD: outPipe[1], stderrFD: errPipe[1])
        for fd in [outPipe[1], errPipe[1], inPipe[0]] where fd >= 0 { close(fd) }
        let pid: pid_t
        switch spawned {
        case .failure(let code):
            for fd in [outPipe[0], errPipe[0], inPipe[1]] where fd >= 0 { close(fd) }
            return .failure(SubprocessLaunchError(executable: arguments[0], code: code))
        case .success(let p):
            pid = p
        }
        control.started(pid)

        var pump = Pump(stdoutFD: outPipe[0], stderrFD: errPipe[0], stdinFD: inPipe[1], input: input ?? Data())
        let deadline = timeout.map { start + $0 }
        var killedAt: ContinuousClock.Instant?
        var timedOut = false

        func killGroup() {
            if killedAt == nil {
                kill(-pid, SIGKILL)
                killedAt = clock.now
            }
        }

        while pump.readersOpen {
            let now = clock.now
            var wait = Duration.milliseconds(200)
            if killedAt == nil, let deadline {
                if now >= deadline {
                    timedOut = true
                    killGroup()
                    continue
                }
                wait = min(wait, deadline - now)
            }
            if killedAt == nil, control.isCancelled { killedAt = now }
            // Something outside the group (a daemonised grandchild) may keep the pipes open
            // after the kill; do not wait for it forever.
            if let killedAt, now - killedAt > .seconds(2) { break }
            pump.step(waitMilliseconds: Int32(max(1, min(wait, .milliseconds(200)).wholeMilliseconds)))
        }
        pump.closeAll()

        let status = reap(pid, deadline: killedAt == nil ? deadline : nil, clock: clock) {
            timedOut = true
            killGroup()
        }
        control.finished()
        return .success(SubprocessOutput(
            status: status,
            stdout: pump.stdout,
            stderr: pump.stderr,
            timedOut: timedOut,
            cancelled: control.killedByCancellation,
            duration: clock.now - start
        ))
    }

    static func makePipe(_ fds: inout [Int32]) -> Bool {
        #if canImport(Darwin)
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
        #else
        // pipe2 sets close-on-exec atomically, so a child another thread spawns meanwhile
        // cannot inherit the pipe; glibc has it, but Swift's Glibc module does not export it.
        if let pipe2 = LinuxExtensions.pipe2 { return pipe2(&fds, O_CLOEXEC) == 0 }
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
        #endif
    }

    enum Spawned { case success(pid_t), failure(Int32) }

    static func spawn(
        _ arguments: [String],
        _ environment: [String: String]?,
        stdinFD: Int32,
        stdoutFD: Int32,
        stderrFD: Int32
    ) -> Spawned {
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        if stdinFD >= 0 {
            posix_spawn_file_actions_adddup2(&actions, stdinFD, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrFD, 2)
        #if os(Linux)
        // Descriptors other libraries opened without CLOEXEC must not leak into children (an
        // ssh master would hold them for its whole life).
        if let closeFrom = LinuxExtensions.closeFrom { _ = closeFrom(&actions, 3) }
        #endif

        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        // Children start with default dispositions even if this process ignores SIGPIPE etc.
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        sigdelset(&allSignals, SIGKILL)
        sigdelset(&allSignals, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)

        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let code: Int32
        if let environment {
            let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { envp.forEach { free($0) } }
            code = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        } else {
            code = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        }
        return code == 0 ? .success(pid) : .failure(code)
    }

    /// Waits for the child to exit. Without a deadline this blocks (a cancellation's kill ends
    /// it); with one it polls so the deadline can still kill a child that closed its output.
    private static func reap(
        _ pid: pid_t,
        deadline: ContinuousClock.Instant?,
        clock: ContinuousClock,
        onDeadline: () -> Void
    ) -> Int32 {
        var status: Int32 = 0
        var pause: UInt32 = 100
        var deadlinePassed = false
        while true {
            let r = waitpid(pid, &status, deadline == nil || deadlinePassed ? 0 : WNOHANG)
            if r == pid { break }
            if r == -1 {
                if errno == EINTR { continue }
                return -1
            }
            if let deadline, clock.now >= deadline, !deadlinePassed {
                deadlinePassed = true
                onDeadline()
                continue
            }
            usleep(pause)
            pause = min(pause * 2, 10_000)
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : -signal
    }
}

/// Moves bytes between this process and the child's three pipes.
struct Pump {
    var stdoutFD: Int32
    var stderrFD: Int32
    var stdinFD: Int32
    let input: Data
    var inputOffset = 0
    var stdout = Data()
    var stderr = Data()
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    init(stdoutFD: Int32, stderrFD: Int32, stdinFD: Int32, input: Data) {
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
        self.stdinFD = stdinFD
        self.input = input
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
                if !Self.drain(stdoutFD, buffer: &buffer, into: &stdout) { close(stdoutFD); stdoutFD = -1 }
            } else if entry.fd == stderrFD {
                if !Self.drain(stderrFD, buffer: &buffer, into: &stderr) { close(stderrFD); stderrFD = -1 }
            } else if entry.fd == stdinFD {
                feed()
            }
        }
    }

    /// Reads what a non-blocking descriptor has; false at end of file or on an error.
    static func drain(_ fd: Int32, buffer: inout [UInt8], into data: inout Data) -> Bool {
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                data.append(contentsOf: buffer[0..<n])
                continue
            }
            if n == 0 { return false }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK
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

/// Shared between the waiting task (which may be cancelled) and the child's thread.
private final class SubprocessControl: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: pid_t?
    private var cancelled = false
    private var killed = false

    /// Records the running child, and kills it at once if a cancellation came first.
    func started(_ pid: pid_t) {
        lock.withLock {
            self.pid = pid
            if cancelled {
                kill(-pid, SIGKILL)
                killed = true
            }
        }
    }

    /// The child was reaped: a late cancellation must not signal a recycled pid.
    func finished() {
        lock.withLock { pid = nil }
    }

    func cancel() {
        lock.withLock {
            cancelled = true
            if let pid {
                kill(-pid, SIGKILL)
                killed = true
            }
        }
    }

    var isCancelled: Bool { lock.withLock { cancelled } }
    /// The child was killed because of a cancellation (rather than finishing first).
    var killedByCancellation: Bool { lock.withLock { killed } }
}

#if os(Linux)
/// glibc functions Swift's Glibc module leaves out (they sit behind _GNU_SOURCE), looked up once.
private enum LinuxExtensions {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    static let pipe2: Pipe2? = symbol("pipe2")
    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+).
    static let closeFrom: CloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let address = dlsym(nil, name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}
#endif

extension Duration {
    /// Whole milliseconds, rounded up so a short wait never becomes zero.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    }
}
