import Foundation
import XCTest

/// The aws_ssm connection against a private sandbox, whose endpoint runs SSM Run Command in the
/// instances for real (sandbox/sandboxlib/ssm.py): the core modules (Fixtures/ssm/ssm-core.yml
/// asserts their results) and the W1 playbook, with no ssh session on any instance.
final class SSMConnectionTests: SandboxTestCase {
    var fixtures: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/ssm").path
    }

    /// Lines of every instance's sshd log that say someone logged in.
    func sshLogins(_ sandbox: DeploySandbox) -> [String] {
        let instances = sandbox.directory + "/instances"
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: instances)) ?? []
        return ids.flatMap { id in
            ((try? String(contentsOfFile: "\(instances)/\(id)/sshd.log", encoding: .utf8)) ?? "")
                .split(separator: "\n").filter { $0.contains("Accepted") }.map(String.init)
        }
    }

    func testCoreModulesOverSSM() throws {
        let sandbox = try sandbox()
        let fetchDir = sandbox.workDirectory + "/ssm-fetched"
        let result = try sandbox.play(["-e", "fetch_dir=\(fetchDir)"], name: "ssm-core", playbook: fixtures + "/ssm-core.yml",
                                      timeout: 300)
        XCTAssertEqual(result.exitCode, 0, result.output)
        XCTAssertFalse(result.output.contains("unreachable=1"), result.output)
        XCTAssertEqual(sshLogins(sandbox), [], "aws_ssm must not log in over ssh")
        // The fetched files are the instances' own.
        let fetched = (try? FileManager.default.contentsOfDirectory(atPath: fetchDir)) ?? []
        XCTAssertEqual(fetched.count, 2, "one directory per instance: \(fetched)")
        for id in fetched {
            let home = "\(sandbox.directory)/instances/\(id)/home"
            let copy = try String(contentsOfFile: "\(fetchDir)/\(id)\(home)/ssm/motd", encoding: .utf8)
            XCTAssertEqual(copy, try String(contentsOfFile: "\(home)/ssm/motd", encoding: .utf8))
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: "\(home)/ssm/big.txt")),
                           try Data(contentsOf: URL(fileURLWithPath: fixtures + "/big.txt")))
        }
    }

    /// Calls the sandbox's endpoint answered per action since the last reset.
    func callsByAction(_ sandbox: DeploySandbox) throws -> [String: Int] {
        let curl = try ChildProcess("/usr/bin/curl", ["-sf", sandbox.endpointURL + "/_sandbox/stats"], environment: sandbox.environment,
                                    cwd: sandbox.workDirectory, outputPath: sandbox.workDirectory + "/ssm-stats.json", label: "curl stats")
        guard try curl.wait(timeout: 30) == 0,
              let stats = try JSONSerialization.jsonObject(with: Data(curl.output.utf8)) as? [String: Any],
              let counts = stats["by_action"] as? [String: Int] else {
            throw DeployTestFailure("the sandbox endpoint gave no counts: \(curl.output)")
        }
        return counts
    }

    func testW1PlaybookOverSSM() throws {
        let sandbox = try sandbox()
        _ = try sandbox.awsRequestCount(reset: true)   // the SSM calls counted below are W1's alone
        let result = try sandbox.play(["-i", fixtures + "/inventory.yml", "-e", "fleet_dir=\(sandbox.directory)/instances"],
                                      name: "ssm-w1", playbook: fixtures + "/ssm-w1.yml", timeout: 300)
        XCTAssertEqual(result.exitCode, 0, result.output)
        // 20 commands (10 tasks on 2 hosts); the hosts' identical ones share a SendCommand.
        let calls = try callsByAction(sandbox)
        XCTAssertLessThan(calls["ssm:SendCommand"] ?? 0, 20, "\(calls)")
        XCTAssertGreaterThanOrEqual(calls["ssm:GetCommandInvocation"] ?? 0, 20, "\(calls)")
        // W1's ten tasks on each of the two instances: directory, 2 copies changed; 7 others ok.
        let recapLines = result.output.split(separator: "\n").filter { $0.hasPrefix("i-") && $0.contains("ok=") }
        XCTAssertEqual(recapLines.count, 2, result.output)
        for line in recapLines {
            XCTAssertTrue(line.contains("ok=10 ") && line.contains("changed=") && line.contains("failed=0"), String(line))
        }
        for id in try FileManager.default.contentsOfDirectory(atPath: sandbox.directory + "/instances") {
            let host = "\(sandbox.directory)/instances/\(id)/home/w1/host.txt"
            if FileManager.default.fileExists(atPath: "\(sandbox.directory)/instances/\(id)/home/w1") {
                XCTAssertEqual(try String(contentsOfFile: host, encoding: .utf8), "host \(id)\n")
            }
        }
        XCTAssertEqual(sshLogins(sandbox), [], "aws_ssm must not log in over ssh")
    }

    func testAStoppedInstanceIsUnreachableAfterTheSSMTimeout() throws {
        let sandbox = try sandbox()
        let result = try sandbox.play([], name: "ssm-stopped", playbook: fixtures + "/ssm-stopped.yml", timeout: 300)
        XCTAssertEqual(result.exitCode, 4, result.output)
        XCTAssertTrue(result.output.contains("did not pick up the SSM command within 2 s (ansible_aws_ssm_timeout)"), result.output)
        let recap = result.output.split(separator: "\n").filter { $0.hasPrefix("i-") && $0.contains("ok=") }
        XCTAssertEqual(recap.filter { $0.contains("unreachable=1") }.count, 1, result.output)
        XCTAssertEqual(recap.filter { $0.contains("ok=1 ") && $0.contains("unreachable=0") }.count, 1, result.output)
    }
}
