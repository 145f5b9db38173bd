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
    /// Bytes of stdout / stderr dropped over the output limit (a notice stands in their place).
    public var stdoutOmitted = 0
    public var stderrOmitted = 0
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
        stderr: CapturedStderr = .separate,
        timeout: Duration? = nil,
        outputLimit: Int = OutputBuffer.defaultLimit
    ) async throws(SubprocessLaunchError) -> SubprocessOutput {
        precondition(!arguments.isEmpty, "a subprocess needs an executable")
        let control = SubprocessControl(processGroup: true)
        let launch = Launch(arguments: arguments, environment: environment, input: stdin.map(Input.bytes) ?? .null,
                            stderr: stderr, processGroup: true, outputLimit: outputLimit)
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
                            stderr: stderr, processGroup: false, outputLimit: OutputBuffer.defaultLimit)
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
        /// Bytes of stdout and of stderr kept in memory (`OutputBuffer`).
        var outputLimit: Int
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

        var pump = Pump(stdoutFD: outPipe[0], stderrFD: errPipe[0], stdinFD: inPipe[1], input: input,
                        outputLimit: launch.outputLimit)
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
        let stdout = pump.stdout.result(), stderr = pump.stderr.result()
        return .success(SubprocessOutput(
            termination: termination,
            stdout: stdout.data,
            stderr: stderr.data,
            stdoutOmitted: stdout.dropped,
            stderrOmitted: stderr.dropped,
            timedOut: timedOut,
            cancelled: control.killedByCancellation,
            duration: clock.now - start
        ))
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
enum LinuxExtensions {
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
