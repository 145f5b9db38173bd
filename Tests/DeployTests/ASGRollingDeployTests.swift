import Foundation
import XCTest

/// playbooks/asg-rolling.yml run by the built `play` against a private sandbox: the first run
/// creates the launch template and an Auto Scaling group of four version-1 instances in the
/// target group; the second moves the launch template to the version-2 AMI and refreshes the
/// group under load (batches of two at 50% min healthy, a checkpoint at 50%, progress lines; no
/// failed request, version 2 served after, four version-2 instances healthy, the old ones gone);
/// the third tries the bad version-3 AMI: its first instance never passes the health check, the
/// refresh rolls back (exit code 2 with AWS's reason), no failed request, only version 2 served.
final class ASGRollingDeployTests: SandboxTestCase {
    private static let playbook = "playbooks/asg-rolling.yml"

    private func rolling(_ sandbox: DeploySandbox, version: String) throws -> DeploySandbox.PlayResult {
        try sandbox.play(["-e", "version=\(version)", "-e", "asg_capacity=4", "-e", "asg_warmup=1", "-e", "asg_checkpoint_delay=1"],
                         name: "asg-\(version)", playbook: Self.playbook, timeout: 150)
    }

    private func underLoad(_ sandbox: DeploySandbox, _ name: String, _ body: () throws -> DeploySandbox.PlayResult)
        throws -> (DeploySandbox.PlayResult, LoadGenerator.Report) {
        let load = try LoadGenerator(sandbox: sandbox, rate: Self.rate, name: "asg-" + name)
        loads.append(load)
        let started = Date()
        let result = try body()
        let left = Double(Self.minimumRequests) / Double(Self.rate) + 1 - Date().timeIntervalSince(started)
        usleep(UInt32(max(0.5, left) * 1_000_000))
        return (result, try load.stop())
    }

    /// A run to `version` under load: its exit code, the lines its output must show, no failed request.
    private func refresh(_ sandbox: DeploySandbox, to version: String, exitCode: Int32, showing lines: [String])
        throws -> (DeploySandbox.PlayResult, LoadGenerator.Report) {
        let (result, report) = try underLoad(sandbox, version) { try rolling(sandbox, version: version) }
        XCTAssertEqual(result.exitCode, exitCode, result.output)
        print("asg-rolling to version \(version): \(String(format: "%.1f", result.seconds)) s; load: \(report.summary)")
        for line in lines { XCTAssertTrue(result.output.contains(line), "'\(line)' is missing: \(result.output)") }
        XCTAssertEqual(report.failures, 0, "failed requests: \(report.summary)")
        return (result, report)
    }

    func testInstanceRefreshUnderLoadAndRollbackOfABadBuild() throws {
        let sandbox = try sandbox()

        let first = try rolling(sandbox, version: "1")
        XCTAssertEqual(first.exitCode, 0, first.output)
        XCTAssertTrue(first.output.contains("create it with 4 instances"), first.output)
        let before = try sandbox.state()
        let oldIDs = before.ids(version: "1", state: "running")
        XCTAssertEqual(oldIDs.count, 4, before.summary)
        XCTAssertEqual(before.healthyTargetIDs, oldIDs, before.summary)

        let (_, report) = try refresh(sandbox, to: "2", exitCode: 0, showing: [
            "InProgress: 50% done, 2 to update", "Waiting for the checkpoint at 50%", "Successful: 100% done, 0 to update"])
        XCTAssertGreaterThanOrEqual(report.requests, Self.minimumRequests, report.summary)
        XCTAssertTrue(Set(report.versions.keys).isSubset(of: ["1", "2"]), report.summary)
        XCTAssertEqual(report.lastVersion, "2", report.summary)
        let after = try sandbox.state()
        let newIDs = after.ids(version: "2", state: "running")
        XCTAssertEqual(newIDs.count, 4, after.summary)
        XCTAssertEqual(after.healthyTargetIDs, newIDs, after.summary)
        XCTAssertTrue(Set(after.instances.map(\.id)).isDisjoint(with: oldIDs), "old instances left: \(after.summary)")

        let (_, badReport) = try refresh(sandbox, to: "3", exitCode: 2, showing: [
            "RollbackInProgress", "failed their target group health checks", "rolled back to its previous launch template version"])
        XCTAssertEqual(Set(badReport.versions.keys), ["2"], badReport.summary)
        let end = try sandbox.state()
        XCTAssertEqual(end.instances.filter { $0.version == "3" }.map(\.id), [], end.summary)
        XCTAssertEqual(end.ids(version: "2", state: "running").count, 4, end.summary)
        XCTAssertEqual(end.healthyTargetIDs, end.ids(version: "2", state: "running"), end.summary)

        try compareInfoWithCollection(sandbox)
    }

    /// amazon.aws.autoscaling_instance_refresh_info under ansible-playbook (the collection, in the
    /// venv scripts/setup.sh makes) and under play, against this sandbox: the same two refreshes.
    private func compareInfoWithCollection(_ sandbox: DeploySandbox) throws {
        let venv = NSHomeDirectory() + "/.cache/play/aws-venv"
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/instance-refresh-info.yml").path
        var outputs: [Any] = []
        for (tool, path) in [("ansible", venv + "/bin/ansible-playbook"), ("play", sandbox.playPath)] {
            let out = sandbox.workDirectory + "/refresh-info-\(tool).json"
            var arguments = sandbox.playArguments(fixture, ["-e", "group=th3-server-asg", "-e", "out=" + out])
            if tool == "ansible" { arguments += ["-e", "ansible_python_interpreter=\(venv)/bin/python"] }
            let child = try ChildProcess(path, arguments, environment: sandbox.environment, cwd: sandbox.repository,
                                         outputPath: sandbox.workDirectory + "/refresh-info-\(tool).log", label: tool)
            XCTAssertEqual(try child.wait(timeout: 120), 0, child.output)
            outputs.append(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))))
        }
        let (ansible, play) = (outputs[0] as? NSDictionary, outputs[1] as? NSDictionary)
        XCTAssertEqual((ansible?["instance_refreshes"] as? [Any])?.count, 2, "\(String(describing: ansible))")
        XCTAssertEqual(ansible, play, "the collection's result, then play's")
    }
}
