import Foundation
import XCTest

/// playbooks/examples/amazon-aws-deploy.yml, written only with the amazon.aws / community.aws
/// module names and an amazon.aws.aws_ec2 inventory, on a private sandbox: `play` deploys build 1
/// (nothing serves yet), then build 2 under load; then ansible-playbook with the collections (the
/// venv scripts/setup.sh makes) deploys build 4, one the sandbox baked no image for, published
/// to the bucket here, under load. Each deploy under load: no failed request, the new build
/// served at the end, only its instances running and in the target group, the old ones stopped.
final class AmazonAWSDeployTests: SandboxTestCase {
    private static let playbook = "playbooks/examples/amazon-aws-deploy.yml"
    private static let inventory = "playbooks/examples/sandbox.aws_ec2.yml"

    /// The sandbox's credentials and endpoint in the environment, as for the SDKs.
    private func awsEnvironment(_ sandbox: DeploySandbox, publish build: String? = nil) throws -> [String: String] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/sandbox_aws_env.py"
        let child = try ChildProcess("/usr/bin/env", ["python3", script, sandbox.directory] + (build.map { ["--publish-build", $0] } ?? []),
                                     environment: sandbox.environment, cwd: sandbox.repository,
                                     outputPath: sandbox.workDirectory + "/aws-env.json", label: "sandbox_aws_env.py")
        let code = try child.wait(timeout: 60)
        let text = child.output
        try? FileManager.default.removeItem(atPath: sandbox.workDirectory + "/aws-env.json")
        guard code == 0, let values = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)) else {
            throw DeployTestFailure("sandbox_aws_env.py exited \(code)")
        }
        return sandbox.environment.merging(values) { $1 }
    }

    /// Runs `executable` (play or ansible-playbook) on the example with the sandbox's variables.
    private func deploy(_ sandbox: DeploySandbox, _ executable: String, version: String, name: String,
                        environment: [String: String]) throws -> DeploySandbox.PlayResult {
        let started = Date()
        let child = try ChildProcess(executable, ["-i", Self.inventory, Self.playbook, "-e", "@" + sandbox.directory + "/sandbox-vars.yml",
                                                  "-e", "version=\(version)"],
                                     environment: environment, cwd: sandbox.repository,
                                     outputPath: sandbox.workDirectory + "/\(name).log", label: name)
        let code = try child.wait(timeout: 400)
        return DeploySandbox.PlayResult(exitCode: code, output: child.output, seconds: Date().timeIntervalSince(started))
    }

    /// `body` under load, for at least the time 1,000 requests take.
    private func underLoad(_ sandbox: DeploySandbox, _ name: String, _ body: () throws -> DeploySandbox.PlayResult)
        throws -> (DeploySandbox.PlayResult, LoadGenerator.Report) {
        let load = try LoadGenerator(sandbox: sandbox, rate: Self.rate, name: name)
        loads.append(load)
        let started = Date()
        let result = try body()
        let left = Double(Self.minimumRequests) / Double(Self.rate) + 1 - Date().timeIntervalSince(started)
        if left > 0 { usleep(UInt32(left * 1_000_000)) }
        return (result, try load.stop())
    }

    private func checkServing(_ sandbox: DeploySandbox, version: String, replaced old: [String], _ report: LoadGenerator.Report,
                              _ result: DeploySandbox.PlayResult, allowed: Set<String>) throws -> [String] {
        XCTAssertEqual(result.exitCode, 0, String(result.output.suffix(6000)))
        XCTAssertEqual(report.failures, 0, "failed requests: \(report.summary)")
        XCTAssertGreaterThanOrEqual(report.requests, Self.minimumRequests, report.summary)
        XCTAssertTrue(Set(report.versions.keys).isSubset(of: allowed), report.summary)
        XCTAssertEqual(report.lastVersion, version, report.summary)
        let state = try sandbox.state()
        let serving = state.ids(version: version, state: "running")
        XCTAssertEqual(serving.count, 2, state.summary)
        XCTAssertEqual(state.healthyTargetIDs, serving, state.summary)
        XCTAssertEqual(state.instances.filter { $0.state == "running" }.map(\.id).sorted(), serving, state.summary)
        for id in old { XCTAssertEqual(state.instances.first { $0.id == id }?.state, "stopped", "\(id): \(state.summary)") }
        return serving
    }

    func testTheSameCollectionPlaybookDeploysUnderPlayThenAnsible() throws {
        let sandbox = try sandbox()
        let ansible = AWSVenv.path + "/bin/ansible-playbook"
        guard FileManager.default.isExecutableFile(atPath: ansible) else {
            return XCTFail("\(ansible) is missing: run scripts/setup.sh (it makes the venv with the amazon.aws collections)")
        }
        let environment = try awsEnvironment(sandbox, publish: "4")

        let first = try deploy(sandbox, sandbox.playPath, version: "1", name: "play-1", environment: environment)
        XCTAssertEqual(first.exitCode, 0, String(first.output.suffix(6000)))
        let ones = try sandbox.state().ids(version: "1", state: "running")
        XCTAssertEqual(ones.count, 2)

        let (second, secondLoad) = try underLoad(sandbox, "play-2") {
            try deploy(sandbox, sandbox.playPath, version: "2", name: "play-2", environment: environment)
        }
        let twos = try checkServing(sandbox, version: "2", replaced: ones, secondLoad, second, allowed: ["1", "2"])
        XCTAssertTrue(second.output.contains("th3-server 2 serves from"), second.output)

        var ansibleEnvironment = environment
        ansibleEnvironment["PATH"] = AWSVenv.path + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
        ansibleEnvironment["ANSIBLE_PYTHON_INTERPRETER"] = "auto_silent"
        // Ansible's faster setting (one SSH round trip per module): the test must stay short.
        ansibleEnvironment["ANSIBLE_PIPELINING"] = "True"
        let (third, thirdLoad) = try underLoad(sandbox, "ansible-4") {
            try deploy(sandbox, ansible, version: "4", name: "ansible-4", environment: ansibleEnvironment)
        }
        _ = try checkServing(sandbox, version: "4", replaced: twos, thirdLoad, third, allowed: ["2", "4"])
        print("amazon-aws-deploy: play build 1 \(Int(first.seconds)) s, play build 2 \(Int(second.seconds)) s, "
              + "ansible-playbook build 4 \(Int(third.seconds)) s")
    }
}

/// The venv with ansible and the amazon.aws / community.aws collections (scripts/aws-venv.sh).
enum AWSVenv {
    static var path: String {
        ProcessInfo.processInfo.environment["PLAY_AWS_VENV"] ?? NSHomeDirectory() + "/.cache/play/aws-venv"
    }
}
