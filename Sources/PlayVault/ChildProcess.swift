#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs password scripts, editors and pagers with posix_spawn. Children start with default
/// signal handling and an empty mask whatever we changed for ourselves, so an editor can be
/// stopped with SIGTERM while we guard our own cleanup.
package struct ChildProcess {
    package enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)

        package var succeeded: Bool { self == .exited(0) }
    }

    package struct Output: Sendable {
        package var termination: Termination
        package var stdout: [UInt8]
        package var stderr: [UInt8]
    }

    package struct SpawnError: Error, Sendable, CustomStringConvertible {
        package var errno: Int32
        package var description: String { String(cString: strerror(errno)) }
    }

    /// Starts `arguments[0]` (searched on PATH when it has no slash). nil for a descriptor inherits ours.
    package static func spawn(_ arguments: [String], environment: [String: String],
                              stdin: Int32? = nil, stdout: Int32? = nil, stderr: Int32? = nil) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (fd, target) in [(stdin, Int32(0)), (stdout, Int32(1)), (stderr, Int32(2))] {
            if let fd { posix_spawn_file_actions_adddup2(&actions, fd, target) }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard rc == 0 else { throw SpawnError(errno: rc) }
        return pid
    }

    /// Waits for a child, retrying on EINTR.
    package static func wait(_ pid: pid_t) -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return .exited(-1) }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        if status & 0x7F == 0 { return .exited((status >> 8) & 0xFF) }
        return .signaled(status & 0x7F)
    }

    /// Runs to completion, capturing stdout and, if asked, stderr (else stderr is inherited, so a
    /// password script can talk to the user); stdin is inherited.
    package static func run(_ arguments: [String], environment: [String: String], captureStderr: Bool) throws(SpawnError) -> Output {
        let out = try makePipe()
        let err: (read: Int32, write: Int32)? = captureStderr ? try makePipe() : nil
        let pid: pid_t
        do {
            pid = try spawn(arguments, environment: environment, stdout: out.write, stderr: err?.write)
        } catch {
            [out.read, out.write, err?.read, err?.write].compactMap { $0 }.forEach { close($0) }
            throw error
        }
        close(out.write)
        if let err { close(err.write) }
        let captured = drain([out.read] + (err.map { [$0.read] } ?? []))
        close(out.read)
        if let err { close(err.read) }
        return Output(termination: wait(pid), stdout: captured[0], stderr: captured.count > 1 ? captured[1] : [])
    }

    package static func makePipe() throws(SpawnError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SpawnError(errno: errno) }
        // Close-on-exec so other children never hold our ends open (the dup2'd copies stay open).
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// Reads several pipes to EOF at once, so a child filling one cannot block on the other.
    private static func drain(_ fds: [Int32]) -> [[UInt8]] {
        var results = [[UInt8]](repeating: [], count: fds.count)
        var open = Set(fds.indices)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            var polls = open.sorted().map { pollfd(fd: fds[$0], events: Int16(POLLIN), revents: 0) }
            let ready = poll(&polls, nfds_t(polls.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for p in polls where p.revents != 0 {
                let index = fds.firstIndex(of: p.fd)!
                let n = buffer.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    results[index] += buffer[0..<n]
                } else if n == 0 || errno != EINTR {
                    open.remove(index)
                }
            }
        }
        return results
    }
}
