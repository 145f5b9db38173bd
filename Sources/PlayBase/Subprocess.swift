import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a child process did.
public struct SubprocessOutput: Sendable {
    public var termination: Subprocess.Termination
    public var stdout: Data
    /// Empty when stderr was not captured.
    public var stderr: Data
    /// The time limit passed and the child (or its process group) was killed.
    public var timedOut: Bool
    /// The waiting task was cancelled and the child (or its process group) was killed.
    public var cancelled: Bool
    public var duration: Duration

    /// The exit code, or minus the signal number that killed it.
    public var status: Int32 { termination.status }
}

/// The child could not be started at all (no such executable, out of resources).
public struct SubprocessLaunchError: Error, Sendable, CustomStringConvertible {
    public var executable: String
    public var code: Int32
    /// The system's words for `code` (`No such file or directory`).
    public var reason: String { String(cString: strerror(code)) }
    public var description: String { "cannot run \(executable): \(reason)" }
}

/// The one way the project starts child processes (posix_spawn; `Foundation.Process` cannot put
/// a child in a process group or give it default signal dispositions). Every child starts with
/// an empty signal mask and default dispositions, whatever this process blocks or ignores, and
/// on Linux inherits no descriptor above 2.
///
/// `run` waits without blocking Swift's cooperative threads: each child gets one plain thread
/// that spawns it (in a process group of its own so a time limit or a cancellation kills
/// everything it started, and so a Ctrl-C at the terminal does not), pumps its
/// stdin/stdout/stderr with poll(2), and reaps it. `capture` is the same pump on the caller's
/// thread for synchronous code that shares the terminal with the child. `spawn` and `wait`
/// are the parts, for children that outlive a call (editors, pagers, servers, shells).
public enum Subprocess {
    /// Where a child's standard descriptor comes from or goes.
    public enum Stream: Sendable {
        /// This process's own descriptor.
        case inherit
        case null
        /// A descriptor of ours (a pipe end), duplicated onto the child's.
        case descriptor(Int32)
        /// A file created (or truncated) with mode 0600; for stdout only.
        case file(String)
        /// Wherever the child's stdout goes; for stderr only (`2>&1`).
        case stdout
    }

    public static func run(
        _ arguments: [String],
        environment: [String: String]? = nil,
        stdin: Data? = nil,
        timeout: Duration? = nil
    ) async throws(SubprocessLaunchError) -> SubprocessOutput {
        precondition(!arguments.isEmpty, "a subprocess needs an executable")
        let control = SubprocessControl(processGroup: true)
        let launch = Launch(arguments: arguments, environment: environment, input: stdin.map(Input.bytes) ?? .null,
                            stderr: .separate, processGroup: true)
        let result: Result<SubprocessOutput, SubprocessLaunchError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: runBlocking(launch, timeout, control))
                }
                thread.stackSize = 256 * 1024
                thread.start()
            }
        } onCancel: {
            control.cancel()
        }
        return try result.get()
    }

    /// What `capture` does with the child's stderr.
    public enum CapturedStderr: Sendable {
        /// Into `SubprocessOutput.stderr`.
        case separate
        /// Into `SubprocessOutput.stdout`, interleaved as written (`2>&1`).
        case merged
        /// Ours: a password script can talk to the user.
        case inherited
    }

    /// Runs to completion on the calling thread, in our process group with our stdin (so a
    /// password script can prompt at the terminal) or, with `stdin: .null`, none, capturing
    /// stdout.
    public static func capture(
        _ arguments: [String],
        environment: [String: String]? = nil,
        stdin: Stream = .inherit,
        stderr: CapturedStderr
    ) throws(SubprocessLaunchError) -> SubprocessOutput {
        precondition(!arguments.isEmpty, "a subprocess needs an executable")
        let input: Input
        switch stdin {
        case .inherit: input = .inherit
        case .null: input = .null
        default: preconditionFailure("capture reads stdin from .inherit or .null")
        }
        let launch = Launch(arguments: arguments, environment: environment, input: input,
                            stderr: stderr, processGroup: false)
        return try runBlocking(launch, nil, SubprocessControl(processGroup: false)).get()
    }

    // MARK: - The blocking part

    private enum Input {
        case null, inherit, bytes(Data)
    }

    private struct Launch {
        var arguments: [String]
        var environment: [String: String]?
        var input: Input
        var stderr: CapturedStderr
        var processGroup: Bool
    }

    private static func runBlocking(
        _ launch: Launch,
        _ timeout: Duration?,
        _ control: SubprocessControl
    ) -> Result<SubprocessOutput, SubprocessLaunchError> {
        let arguments = launch.arguments
        let clock = ContinuousClock()
        let start = clock.now
        var inPipe: [Int32] = [-1, -1]
        if case .bytes = launch.input {
            // A write to a stdin the child has closed must fail with EPIPE, not kill us. The
            // signal is thread-directed, so blocking it here is enough; `run` calls this on a
            // thread of its own, so a pending one dies with the thread.
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
        }

        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        let needsInPipe: Bool
        let stdinStream: Stream
        switch launch.input {
        case .null: needsInPipe = false; stdinStream = .null
        case .inherit: needsInPipe = false; stdinStream = .inherit
        case .bytes: needsInPipe = true; stdinStream = .null
        }
        let separateStderr: Bool
        let stderrStream: Stream
        switch launch.stderr {
        case .separate: separateStderr = true; stderrStream = .inherit
        case .merged: separateStderr = false; stderrStream = .stdout
        case .inherited: separateStderr = false; stderrStream = .inherit
        }
        guard makePipe(&outPipe), !separateStderr || makePipe(&errPipe), !needsInPipe || makePipe(&inPipe) else {
            let code = errno
            (outPipe + errPipe + inPipe).filter { $0 >= 0 }.forEach { close($0) }
            return .failure(SubprocessLaunchError(executable: arguments[0], code: code))
        }

        let spawned = spawn(arguments, environment: launch.environment,
                            stdin: needsInPipe ? .descriptor(inPipe[0]) : stdinStream,
                            stdout: .descriptor(outPipe[1]),
                            stderr: separateStderr ? .descriptor(errPipe[1]) : stderrStream,
                            processGroup: launch.processGroup)
        for fd in [outPipe[1], errPipe[1], inPipe[0]] where fd >= 0 { close(fd) }
        let pid: pid_t
        switch spawned {
        case .failure(let error):
            for fd in [outPipe[0], errPipe[0], inPipe[1]] where fd >= 0 { close(fd) }
            return .failure(error)
        case .success(let p):
            pid = p
        }
        control.started(pid)
        let input: Data
        if case .bytes(let data) = launch.input { input = data } else { input = Data() }

        var pump = Pump(stdoutFD: outPipe[0], stderrFD: errPipe[0], stdinFD: inPipe[1], input: input)
        let deadline = timeout.map { start + $0 }
        var killedAt: ContinuousClock.Instant?
        var timedOut = false

        func killGroup() {
            if killedAt == nil {
                kill(launch.processGroup ? -pid : pid, SIGKILL)
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

        let termination = reap(pid, deadline: killedAt == nil ? deadline : nil, clock: clock) {
            timedOut = true
            killGroup()
        }
        control.finished()
        return .success(SubprocessOutput(
            termination: termination,
            stdout: pump.stdout,
            stderr: pump.stderr,
            timedOut: timedOut,
            cancelled: control.killedByCancellation,
            duration: clock.now - start
        ))
    }

    /// A close-on-exec pipe: only the copies a spawn duplicates onto 0, 1 or 2 reach a child.
    /// False (with errno set) when the system is out of descriptors.
    public static func makePipe(_ fds: inout [Int32]) -> Bool {
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

    /// The pipe as a pair, for callers that throw.
    public static func makePipe() throws(SubprocessLaunchError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard makePipe(&fds) else { throw SubprocessLaunchError(executable: "pipe", code: errno) }
        return (fds[0], fds[1])
    }

    /// Starts `arguments[0]` (searched on PATH when it has no slash) and returns at once.
    /// `environment` nil passes ours on. `processGroup` puts the child in a new process group
    /// (its pid), so `kill(-pid, ...)` reaches everything it starts and a Ctrl-C at the terminal
    /// does not; a child that reads the terminal (an editor, a pager) must stay in ours.
    /// `directory` is the child's working directory (ours when nil).
    public static func spawn(
        _ arguments: [String],
        environment: [String: String]?,
        stdin: Stream = .null,
        stdout: Stream = .inherit,
        stderr: Stream = .inherit,
        directory: String? = nil,
        processGroup: Bool
    ) -> Result<pid_t, SubprocessLaunchError> {
        precondition(!arguments.isEmpty, "a subprocess needs an executable")
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
        for (stream, target) in [(stdin, Int32(0)), (stdout, Int32(1)), (stderr, Int32(2))] {
            switch stream {
            case .inherit: break
            case .null: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .descriptor(let fd): posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .file(let path): posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            case .stdout: posix_spawn_file_actions_adddup2(&actions, 1, target)
            }
        }
        #if os(Linux)
        // Descriptors other libraries opened without CLOEXEC must not leak into children (an
        // ssh master would hold them for its whole life).
        if let closeFrom = LinuxExtensions.closeFrom { _ = closeFrom(&actions, 3) }
        #endif
        if let directory {
            #if os(Linux)
            guard let addChdir = LinuxExtensions.addChdir else {
                return .failure(SubprocessLaunchError(executable: arguments[0], code: ENOSYS))
            }
            _ = addChdir(&actions, directory)
            #else
            posix_spawn_file_actions_addchdir_np(&actions, directory)
            #endif
        }

        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if processGroup {
            flags |= POSIX_SPAWN_SETPGROUP
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        // Threads here block signals (SIGPIPE while feeding a pipe, test runners more); the
        // child must start with none blocked, or SIGTERM would never reach a server.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        // Children start with default dispositions even if this process ignores SIGPIPE, or
        // SIGINT while a pager runs.
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
        return code == 0 ? .success(pid) : .failure(SubprocessLaunchError(executable: arguments[0], code: code))
    }

    /// Waits for a child started with `spawn`, retrying on EINTR.
    public static func wait(_ pid: pid_t) -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return .exited(-1) }
        }
        return termination(status)
    }

    /// A `waitpid` status as a Termination (WIFEXITED / WEXITSTATUS / WTERMSIG are macros
    /// Swift cannot import).
    public static func termination(_ status: Int32) -> Termination {
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    /// Reads what a non-blocking descriptor has; false at end of file or on an error.
    public static func drain(_ fd: Int32, buffer: inout [UInt8], into data: inout Data) -> Bool {
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

    /// Waits for the child to exit. Without a deadline this blocks (a cancellation's kill ends
    /// it); with one it polls so the deadline can still kill a child that closed its output.
    private static func reap(
        _ pid: pid_t,
        deadline: ContinuousClock.Instant?,
        clock: ContinuousClock,
        onDeadline: () -> Void
    ) -> Termination {
        var status: Int32 = 0
        var pause: UInt32 = 100
        var deadlinePassed = false
        while true {
            let r = waitpid(pid, &status, deadline == nil || deadlinePassed ? 0 : WNOHANG)
            if r == pid { break }
            if r == -1 {
                if errno == EINTR { continue }
                return .exited(-1)
            }
            if let deadline, clock.now >= deadline, !deadlinePassed {
                deadlinePassed = true
                onDeadline()
                continue
            }
            usleep(pause)
            pause = min(pause * 2, 10_000)
        }
        return termination(status)
    }
}

extension Subprocess {
    /// How a child process ended.
    public enum Termination: Sendable, Equatable {
        /// The exit code (-1 when the child could not be waited for).
        case exited(Int32)
        case signaled(Int32)

        public var succeeded: Bool { self == .exited(0) }
        /// The exit code, or minus the signal number that killed it.
        public var status: Int32 {
            switch self {
            case .exited(let code): code
            case .signaled(let signal): -signal
            }
        }
    }
}

/// Moves bytes between this process and the child's three pipes (-1 for one not piped).
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
                if !Subprocess.drain(stdoutFD, buffer: &buffer, into: &stdout) { close(stdoutFD); stdoutFD = -1 }
            } else if entry.fd == stderrFD {
                if !Subprocess.drain(stderrFD, buffer: &buffer, into: &stderr) { close(stderrFD); stderrFD = -1 }
            } else if entry.fd == stdinFD {
                feed()
            }
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
    /// The child leads a process group of its own: kill the group, not just the child.
    private let processGroup: Bool
    private var pid: pid_t?
    private var cancelled = false
    private var killed = false

    init(processGroup: Bool) { self.processGroup = processGroup }

    /// Records the running child, and kills it at once if a cancellation came first.
    func started(_ pid: pid_t) {
        lock.withLock {
            self.pid = pid
            if cancelled {
                kill(processGroup ? -pid : pid, SIGKILL)
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
                kill(processGroup ? -pid : pid, SIGKILL)
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
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29+).
    static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let address = dlsym(nil, name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}
#endif

extension Duration {
    /// Whole milliseconds, rounded up so a short wait never becomes zero.
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    }
}
