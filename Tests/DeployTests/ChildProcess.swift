import Foundation
import PlayBase

/// A process a test started: output goes to a file (so a chatty child can never block on a full
/// pipe, and a test can read what it wrote so far), and it is stopped by its pid only.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let outputPath: String
    let label: String
    private let lock = NSLock()
    private var termination: Subprocess.Termination?

    /// Starts `executable` with `arguments`; stdout and stderr both go to `outputPath`.
    init(_ executable: String, _ arguments: [String], environment: [String: String], cwd: String,
         outputPath: String, label: String) throws {
        self.outputPath = outputPath
        self.label = label
        switch Subprocess.spawn([executable] + arguments, environment: environment, stdin: .null,
                                stdout: .file(outputPath), stderr: .stdout, directory: cwd, processGroup: false) {
        case .success(let pid): self.pid = pid
        case .failure(let error): throw DeployTestFailure("\(label): \(error)")
        }
    }

    /// Reaps the child if it has exited (once: a reaped pid may be reused).
    private func poll(blocking: Bool) -> Subprocess.Termination? {
        lock.withLock {
            if termination == nil {
                if blocking {
                    termination = Subprocess.wait(pid)
                } else {
                    var status: Int32 = 0
                    if waitpid(pid, &status, WNOHANG) == pid { termination = Subprocess.termination(status) }
                }
            }
            return termination
        }
    }

    var isRunning: Bool { poll(blocking: false) == nil }

    /// What the child wrote so far.
    var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// Waits until the child exits; after `timeout` seconds it is killed and this throws. The
    /// result is the exit code, or the signal number that ended it.
    @discardableResult
    func wait(timeout: Double) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning {
            if Date() > deadline {
                stop(signal: SIGKILL)
                throw DeployTestFailure("\(label) did not finish within \(Int(timeout))s and was killed; it wrote:\n\(output.suffix(4000))")
            }
            usleep(20_000)
        }
        switch poll(blocking: true)! {
        case .exited(let code): return code
        case .signaled(let signal): return signal
        }
    }

    /// Sends `signal` to the child (by pid) if it still runs, and reaps it.
    func stop(signal: Int32 = SIGTERM, grace: Double = 10) {
        guard isRunning else { return }
        kill(pid, signal)
        let deadline = Date().addingTimeInterval(grace)
        while isRunning && Date() < deadline { usleep(20_000) }
        if isRunning {
            kill(pid, SIGKILL)
            _ = poll(blocking: true)
        }
    }
}

/// A failure of the test machinery itself (a tool missing, a child that hung), with what to check.
struct DeployTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
