import Foundation

/// `sandbox/loadgen.py` sending continuous GET requests through the sandbox's load balancer
/// while a playbook runs; `stop()` ends it (SIGINT) and returns its report.
final class LoadGenerator: @unchecked Sendable {
    struct Report: Decodable {
        var requests: Int
        var failures: Int
        var failureReasons: [String: Int]
        var versions: [String: Int]
        var lastVersion: String?
        var rps: Double

        enum CodingKeys: String, CodingKey {
            case requests, failures, versions, rps
            case failureReasons = "failure_reasons"
            case lastVersion = "last_version"
        }

        var summary: String {
            "\(requests) requests, \(failures) failed \(failureReasons), versions \(versions), \(rps) rps"
        }
    }

    private let child: ChildProcess
    /// The report the generator rewrites every second (what `play --load-report` reads).
    let statusPath: String

    /// Starts the load at `rate` requests per second and returns once the first report is written.
    init(sandbox: DeploySandbox, rate: Int, name: String) throws {
        statusPath = Self.statusPath(sandbox, name)
        try? FileManager.default.removeItem(atPath: statusPath)
        child = try ChildProcess(
            "/usr/bin/env", ["python3", sandbox.repository + "/sandbox/loadgen.py", "--url", sandbox.lbURL,
                             "--rate", String(rate), "--status-file", statusPath],
            environment: sandbox.environment, cwd: sandbox.repository,
            outputPath: sandbox.workDirectory + "/load-\(name).out", label: "loadgen (\(name))")
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: statusPath) {
            guard child.isRunning, Date() < deadline else {
                child.stop(signal: SIGKILL)
                throw DeployTestFailure("the load generator did not start: \(child.output)")
            }
            usleep(50_000)
        }
    }

    var pid: Int32 { child.pid }

    static func statusPath(_ sandbox: DeploySandbox, _ name: String) -> String {
        sandbox.workDirectory + "/load-\(name).json"
    }

    /// Ends the load and reads its final report.
    func stop() throws -> Report {
        child.stop(signal: SIGINT, grace: 20)
        let text = child.output
        guard let start = text.firstIndex(of: "{"),
              let report = try? JSONDecoder().decode(Report.self, from: Data(text[start...].utf8)) else {
            throw DeployTestFailure("the load generator printed no report: \(text.suffix(2000))")
        }
        return report
    }

    /// Stops the load without reading the report (tearDown).
    func kill() { child.stop(signal: SIGKILL) }
}
