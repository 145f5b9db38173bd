import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The primitives under `run` and `capture`: close-on-exec pipes, posix_spawn, waiting, draining.
extension Subprocess {
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

    /// `drain` into a bounded buffer.
    public static func drain(_ fd: Int32, buffer: inout [UInt8], into output: inout OutputBuffer) -> Bool {
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                buffer.withUnsafeBytes { output.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                continue
            }
            if n == 0 { return false }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK
        }
    }

    /// Waits for the child to exit. Without a deadline this blocks (a cancellation's kill ends
    /// it); with one it polls so the deadline can still kill a child that closed its output.
    static func reap(
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
