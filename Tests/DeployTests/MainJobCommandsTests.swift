import Foundation
import XCTest

/// The main job's commands exactly as README gives them, typed in a terminal with the vault
/// password at the prompt, from a checkout whose ansible.cfg files (copied verbatim) name the
/// sandbox inventory: deploy without a version takes the newest build in the bucket, rollback
/// without a version goes back to the version the last deploy stopped, from the root and from
/// inside playbooks/; each says what it chose first, and refuses when there is nothing to choose.
final class MainJobCommandsTests: SandboxTestCase {
    func testDeployAndRollbackAsTypedChooseTheVersionAndSayWhich() throws {
        let sandbox = try sandbox()
        let checkout = try makeCheckout(sandbox)
        let password = try String(contentsOfFile: sandbox.directory + "/vault-password", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)

        // Nothing deployed yet: a rollback has nothing to go back to and changes nothing.
        let nothing = try typed(sandbox, ["play", "playbooks/translate-api.yml", "--tags", "rollback", "--ask-vault-pass"],
                                in: checkout, password: password, name: "rollback-none")
        XCTAssertNotEqual(nothing.exitCode, 0, nothing.output)
        XCTAssertTrue(nothing.output.contains("Nothing to roll back to: no instance of th3-server is kept stopped"), nothing.output)
        XCTAssertTrue(try sandbox.state().instances.isEmpty)

        // Build 3 (whose health check fails) is the bucket's newest: without it, 2 is.
        try removeBuild(sandbox, "3")
        XCTAssertEqual(try sandbox.play(["--tags", "deploy", "-e", "version=1"], name: "deploy-1").exitCode, 0)
        let v1 = try sandbox.state().ids(version: "1", state: "running")

        let deploy = try typed(sandbox, ["play", "playbooks/translate-api.yml", "--tags", "deploy", "--ask-vault-pass"],
                               in: checkout, password: password, name: "deploy-latest")
        XCTAssertEqual(deploy.exitCode, 0, deploy.output)
        XCTAssertTrue(deploy.output.contains("Vault password:"), deploy.output)
        let chose = try XCTUnwrap(deploy.output.range(of: "Deploying th3-server 2 (the newest build in s3://th3-builds/th3-server/); serving now: 1"),
                                  deploy.output)
        let launched = try XCTUnwrap(deploy.output.range(of: "TASK [Launch the deployment's instances"), deploy.output)
        XCTAssertLessThan(chose.lowerBound, launched.lowerBound, "the choice is said before anything changes")
        var state = try sandbox.state()
        let v2 = state.ids(version: "2", state: "running")
        XCTAssertEqual(state.healthyTargetIDs, v2, state.summary)
        XCTAssertEqual(state.ids(version: "1", state: "stopped"), v1, state.summary)

        // From inside playbooks/, as typed there: back to 1, the version the deploy stopped.
        let rollback = try typed(sandbox, ["play", "translate-api.yml", "--tags", "rollback", "--ask-vault-pass"],
                                 in: checkout + "/playbooks", password: password, name: "rollback-latest")
        XCTAssertEqual(rollback.exitCode, 0, rollback.output)
        let said = "Rolling back th3-server to 1 (the version the last deploy replaced, kept stopped) on "
        let chose1 = try XCTUnwrap(rollback.output.range(of: said), rollback.output)
        let line = rollback.output[chose1.upperBound...].prefix { $0 != "\"" }
        XCTAssertEqual(line.split(separator: ";")[0].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.sorted(), v1)
        XCTAssertTrue(line.hasSuffix("; serving now: 2"), String(line))
        let started = try XCTUnwrap(rollback.output.range(of: "TASK [Start the rollback instances"), rollback.output)
        XCTAssertLessThan(chose1.lowerBound, started.lowerBound)
        state = try sandbox.state()
        XCTAssertEqual(state.healthyTargetIDs, v1, state.summary)
        XCTAssertEqual(state.ids(version: "2", state: "stopped"), v2, state.summary)

        // An empty bucket: the deploy refuses before changing anything.
        try removeBuild(sandbox, "2")
        try removeBuild(sandbox, "1")
        let empty = try typed(sandbox, ["play", "playbooks/translate-api.yml", "--tags", "deploy", "--ask-vault-pass"],
                              in: checkout, password: password, name: "deploy-empty")
        XCTAssertNotEqual(empty.exitCode, 0, empty.output)
        XCTAssertTrue(empty.output.contains("Nothing to deploy: no version was given (-e version=N) and no build was found"), empty.output)
        XCTAssertEqual(try sandbox.state().instances.count, state.instances.count, "nothing launched")
    }

    /// A checkout of the repository: ansible.cfg and playbooks/ (with its ansible.cfg) copied
    /// verbatim, and inventory/sandbox being this test's private sandbox inventory.
    private func makeCheckout(_ sandbox: DeploySandbox) throws -> String {
        let checkout = sandbox.workDirectory + "/checkout"
        let fm = FileManager.default
        try fm.createDirectory(atPath: checkout + "/inventory", withIntermediateDirectories: true)
        try fm.copyItem(atPath: sandbox.repository + "/ansible.cfg", toPath: checkout + "/ansible.cfg")
        try fm.copyItem(atPath: sandbox.repository + "/playbooks", toPath: checkout + "/playbooks")
        try fm.createSymbolicLink(atPath: checkout + "/inventory/sandbox", withDestinationPath: sandbox.inventory)
        return checkout
    }

    /// `command` typed in a terminal in `directory` (play found on PATH), the password given at the prompt.
    private func typed(_ sandbox: DeploySandbox, _ command: [String], in directory: String, password: String,
                       name: String) throws -> DeploySandbox.PlayResult {
        var environment = sandbox.environment
        environment["PATH"] = (sandbox.playPath as NSString).deletingLastPathComponent + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["ANSIBLE_NOCOLOR"] = "1"
        let driver = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/on_terminal.py"
        let started = Date()
        let child = try ChildProcess("/usr/bin/env", ["python3", driver, password, "--"] + command, environment: environment,
                                     cwd: directory, outputPath: sandbox.workDirectory + "/typed-\(name).log", label: name)
        let code = try child.wait(timeout: 300)
        return DeploySandbox.PlayResult(exitCode: code, output: child.output, seconds: Date().timeIntervalSince(started))
    }

    /// Deletes build `version` from the sandbox's bucket (Fixtures/remove_build.py).
    private func removeBuild(_ sandbox: DeploySandbox, _ version: String) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/remove_build.py"
        let child = try ChildProcess("/usr/bin/env", ["python3", script, sandbox.directory, version],
                                     environment: sandbox.environment, cwd: sandbox.workDirectory,
                                     outputPath: sandbox.workDirectory + "/remove-\(version).log", label: "remove build \(version)")
        let code = try child.wait(timeout: 60)
        XCTAssertEqual(code, 0, child.output)
    }
}
