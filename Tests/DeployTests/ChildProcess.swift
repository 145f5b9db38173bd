import Foundation

/// A process a test started: output goes to a file (so a chatty child can never block on a full
/// pipe, and a test can read what it wrote so far), and it is stopped by its pid only.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let outputPath: String
    let label: String

    /// Starts `executable` with `arguments`; stdout and stderr both go to `outputPath`.
    init(_ executable: String, _ arguments: [String], environment: [String: String], cwd: String,
         outputPath: String, label: String) throws {
        self.outputPath = outputPath
        self.label = label
        guard FileManager.default.createFile(atPath: outputPath, contents: nil),
              let out = FileHandle(forWritingAtPath: outputPath) else {
            throw DeployTestFailure("cannot write \(outputPath)")
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try out.close()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// What the child wrote so far.
    var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// Waits until the child exits; after `timeout` seconds it is killed and this throws.
    @discardableResult
    func wait(timeout: Double) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                stop(signal: SIGKILL)
                throw DeployTestFailure("\(label) did not finish within \(Int(timeout))s and was killed; it wrote:\n\(output.suffix(4000))")
            }
            usleep(20_000)
        }
        return process.terminationStatus
    }

    /// Sends `signal` to the child (by pid) if it still runs, and reaps it.
    func stop(signal: Int32 = SIGTERM, grace: Double = 10) {
        guard process.isRunning else { return }
        kill(pid, signal)
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// A failure of the test machinery itself (a tool missing, a child that hung), with what to check.
struct DeployTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
