import Foundation
import XCTest

/// playbooks/blue-green.yml run by the built `play` against a private sandbox, whose nginx
/// follows the listener's target group: a first deploy, a deploy and a rollback under load (no
/// failed request of at least 1,000, the right version after), a refusal (production untouched,
/// exit 0) and a version whose health check fails (production untouched, exit 2); each run's
/// deployment statuses arrive at a local webhook in the shape of GitHub's API. And blue/green on a
/// fleet that translate-api.yml deployed: rollback goes back to the instances that flow put in the
/// production group, and the next deploy to that group replaces them.
final class BlueGreenDeployTests: SandboxTestCase {
    private func blueGreen(_ sandbox: DeploySandbox, _ arguments: [String], name: String) throws -> DeploySandbox.PlayResult {
        let started = Date()
        let child = try ChildProcess(sandbox.playPath,
                                     ["playbooks/blue-green.yml", "-i", sandbox.inventory,
                                      "--vault-password-file", sandbox.directory + "/vault-password"] + arguments,
                                     environment: sandbox.environment, cwd: sandbox.repository,
                                     outputPath: sandbox.workDirectory + "/play-bg-\(name).log", label: "play (bg \(name))")
        let code = try child.wait(timeout: 240)
        return DeploySandbox.PlayResult(exitCode: code, output: child.output, seconds: Date().timeIntervalSince(started))
    }

    /// Runs `body` under load for at least the time 1,000 requests take.
    private func underLoad(_ sandbox: DeploySandbox, _ name: String,
                           _ body: () throws -> DeploySandbox.PlayResult) throws -> (DeploySandbox.PlayResult, LoadGenerator.Report) {
        let load = try LoadGenerator(sandbox: sandbox, rate: Self.rate, name: "bg-" + name)
        loads.append(load)
        let started = Date()
        let result = try body()
        let least = Double(Self.minimumRequests) / Double(Self.rate) + 1
        let left = least - Date().timeIntervalSince(started)
        usleep(UInt32(max(0.5, left) * 1_000_000))
        return (result, try load.stop())
    }

    private func assertServed(_ report: LoadGenerator.Report, versions: Set<String>, last: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(report.failures, 0, "failed requests: \(report.summary)", file: file, line: line)
        XCTAssertGreaterThanOrEqual(report.requests, Self.minimumRequests, report.summary, file: file, line: line)
        XCTAssertTrue(Set(report.versions.keys).isSubset(of: versions), report.summary, file: file, line: line)
        XCTAssertEqual(report.lastVersion, last, report.summary, file: file, line: line)
    }

    /// A local webhook (Fixtures/webhook_receiver.py) and the statuses it received.
    private final class Webhook {
        let child: ChildProcess
        let log: String
        let url: String

        init(_ sandbox: DeploySandbox) throws {
            log = sandbox.workDirectory + "/statuses.jsonl"
            try? FileManager.default.removeItem(atPath: log)
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/webhook_receiver.py"
            child = try ChildProcess("/usr/bin/env", ["python3", script, log], environment: sandbox.environment,
                                     cwd: sandbox.repository, outputPath: sandbox.workDirectory + "/webhook.out", label: "webhook")
            let deadline = Date().addingTimeInterval(10)
            var port = ""
            while port.isEmpty {
                port = child.output.trimmingCharacters(in: .whitespacesAndNewlines)
                guard child.isRunning, Date() < deadline else { throw DeployTestFailure("the webhook did not start: \(child.output)") }
                if port.isEmpty { usleep(50_000) }
            }
            url = "http://127.0.0.1:\(port)/repos/acme/th3/deployments/7/statuses"
        }

        /// Every status received so far: (state, description, authorization header).
        func statuses() -> [(state: String, description: String, authorization: String?)] {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { line in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let body = object["body"] as? [String: Any] else { return nil }
                return ((body["state"] as? String) ?? "", (body["description"] as? String) ?? "", object["authorization"] as? String)
            }
        }
    }

    func testDeployRefuseFailAndRollBackUnderLoad() throws {
        let sandbox = try sandbox()
        let webhook = try Webhook(sandbox)
        defer { webhook.child.stop() }
        let token = "tok-" + UUID().uuidString.prefix(12)
        let notify = ["-e", "deployment_status_url=" + webhook.url, "-e", "deployment_status_token=" + token]

        let first = try blueGreen(sandbox, ["--tags", "deploy", "-e", "version=1", "-e", "approve=true"], name: "deploy-1")
        XCTAssertEqual(first.exitCode, 0, first.output)
        XCTAssertEqual(try sandbox.servedVersions().lastVersion, "1")

        let (second, report) = try underLoad(sandbox, "deploy-2") {
            try blueGreen(sandbox, ["--tags", "deploy", "-e", "version=2", "-e", "approve=true"] + notify, name: "deploy-2")
        }
        XCTAssertEqual(second.exitCode, 0, second.output)
        XCTAssertTrue(second.output.contains("Production runs version 2"), second.output)
        assertServed(report, versions: ["1", "2"], last: "2")
        // Version 1 stays running on the other group, ready for a rollback.
        XCTAssertEqual(try sandbox.state().ids(version: "1", state: "running").count, 2)

        let (back, backReport) = try underLoad(sandbox, "rollback") {
            try blueGreen(sandbox, ["--tags", "rollback", "-e", "approve=true"] + notify, name: "rollback")
        }
        XCTAssertEqual(back.exitCode, 0, back.output)
        assertServed(backReport, versions: ["1", "2"], last: "1")

        // No terminal and no approve=true: the prompt gets no yes, production stays on 1.
        let refused = try blueGreen(sandbox, ["--tags", "deploy", "-e", "version=2"] + notify, name: "refused")
        XCTAssertEqual(refused.exitCode, 0, refused.output)
        XCTAssertTrue(refused.output.contains("Not approved"), refused.output)
        XCTAssertEqual(try sandbox.servedVersions().lastVersion, "1")

        // Build 3 fails its health check: its instances are removed, production stays on 1.
        let (bad, badReport) = try underLoad(sandbox, "deploy-3") {
            try blueGreen(sandbox, ["--tags", "deploy", "-e", "version=3", "-e", "approve=true"] + notify, name: "deploy-3")
        }
        XCTAssertEqual(bad.exitCode, 2, bad.output)
        XCTAssertTrue(bad.output.contains("did not get ready"), bad.output)
        assertServed(badReport, versions: ["1"], last: "1")
        XCTAssertEqual(try sandbox.state().ids(version: "3", state: "running"), [])

        // Started and finished, per run, in order; the token only in the header, never in output.
        let statuses = webhook.statuses()
        XCTAssertEqual(statuses.map(\.state), ["in_progress", "success", "in_progress", "success",
                                                "in_progress", "inactive", "in_progress", "failure"], "\(statuses)")
        XCTAssertTrue(statuses.allSatisfy { $0.authorization == "Bearer " + token }, "\(statuses)")
        XCTAssertTrue(statuses[3].description.hasPrefix("Rolled back"), statuses[3].description)
        XCTAssertTrue(statuses[7].description.hasPrefix("Version 3: "), statuses[7].description)
        for run in [second, back, refused, bad] { XCTAssertFalse(run.output.contains(token)) }
    }

    /// Production first deployed by playbooks/translate-api.yml (instances it launched, registered
    /// in target_group_name, without blue/green's tags), then blue/green on the same fleet.
    func testRollBackToWhatTranslateAPIDeployed() throws {
        // A sandbox of its own: this story starts from a fleet blue/green never touched.
        let sandbox = try DeploySandbox.start()
        defer { sandbox.stop() }

        let first = try sandbox.play(["--tags", "deploy", "-e", "version=1"], name: "ta-deploy-1")
        XCTAssertEqual(first.exitCode, 0, first.output)
        let translateAPI = try sandbox.state().ids(version: "1", state: "running")
        XCTAssertEqual(translateAPI.count, 2)

        // Deploy 2 to the idle group: the translate-api instances stay registered and healthy.
        let (deploy, deployReport) = try underLoad(sandbox, "ta-bg-deploy-2") {
            try blueGreen(sandbox, ["--tags", "deploy", "-e", "version=2", "-e", "approve=true"], name: "ta-bg-deploy-2")
        }
        XCTAssertEqual(deploy.exitCode, 0, deploy.output)
        assertServed(deployReport, versions: ["1", "2"], last: "2")
        var state = try sandbox.state()
        XCTAssertEqual(state.ids(version: "1", state: "running"), translateAPI, state.summary)
        XCTAssertEqual(state.healthyTargetIDs, translateAPI, state.summary)

        // The case that failed: rollback finds what served before in the old production group.
        let (back, backReport) = try underLoad(sandbox, "ta-bg-rollback") {
            try blueGreen(sandbox, ["--tags", "rollback", "-e", "approve=true"], name: "ta-bg-rollback")
        }
        XCTAssertEqual(back.exitCode, 0, back.output)
        XCTAssertTrue(back.output.contains("Production is back on th3-tg (version 1)"), back.output)
        assertServed(backReport, versions: ["1", "2"], last: "1")

        // A second rollback rolls forward to 2 again; translate-api's instances stay the standby.
        let forward = try blueGreen(sandbox, ["--tags", "rollback", "-e", "approve=true"], name: "ta-bg-forward")
        XCTAssertEqual(forward.exitCode, 0, forward.output)
        XCTAssertEqual(try sandbox.servedVersions().lastVersion, "2")

        // The next deploy to th3-tg replaces what translate-api put there: only the new instances serve.
        let (again, againReport) = try underLoad(sandbox, "ta-bg-deploy-1") {
            try blueGreen(sandbox, ["--tags", "deploy", "-e", "version=1", "-e", "approve=true"], name: "ta-bg-deploy-1")
        }
        XCTAssertEqual(again.exitCode, 0, again.output)
        assertServed(againReport, versions: ["1", "2"], last: "1")
        state = try sandbox.state()
        XCTAssertTrue(Set(state.instances.map(\.id)).isDisjoint(with: translateAPI), state.summary)
        let blueGreenOne = state.ids(version: "1", state: "running")
        XCTAssertEqual(blueGreenOne.count, 2, state.summary)
        XCTAssertEqual(state.healthyTargetIDs, blueGreenOne, state.summary)

        // A refused deploy replaces the standby: a rollback then says there is nothing to go back to.
        let refused = try blueGreen(sandbox, ["--tags", "deploy", "-e", "version=2"], name: "ta-bg-refused")
        XCTAssertEqual(refused.exitCode, 0, refused.output)
        XCTAssertTrue(refused.output.contains("Not approved"), refused.output)
        let nothing = try blueGreen(sandbox, ["--tags", "rollback", "-e", "approve=true"], name: "ta-bg-nothing")
        XCTAssertEqual(nothing.exitCode, 2, nothing.output)
        XCTAssertTrue(nothing.output.contains("there is no previous version to go back to"), nothing.output)
        XCTAssertEqual(try sandbox.servedVersions().versions.keys.sorted(), ["1"])
    }
}
