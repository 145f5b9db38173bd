import Foundation
import XCTest

/// playbooks/blue-green.yml run by the built `play` against a private sandbox, whose nginx
/// follows the listener's target group: a first deploy, a deploy and a rollback under load (no
/// failed request of at least 1,000, the right version after), a refusal (production untouched,
/// exit 0) and a version whose health check fails (production untouched, exit 2).
final class BlueGreenDeployTests: XCTestCase {
    private static let sandboxes = SandboxRegistry()
    private static let rate = 250
    private static let minimumRequests = 1000

    private var loads: [LoadGenerator] = []

    override class func setUp() {
        super.setUp()
        sandboxes.start(String(describing: self))
    }

    override class func tearDown() {
        sandboxes.stop(String(describing: self))
        super.tearDown()
    }

    override func tearDown() {
        for load in loads { load.kill() }
        loads = []
        super.tearDown()
    }

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

    func testDeployRefuseFailAndRollBackUnderLoad() throws {
        let sandbox = try Self.sandboxes.sandbox(for: String(describing: Self.self))

        let first = try blueGreen(sandbox, ["--tags", "deploy", "-e", "version=1", "-e", "approve=true"], name: "deploy-1")
        XCTAssertEqual(first.exitCode, 0, first.output)
        XCTAssertEqual(try sandbox.servedVersions().lastVersion, "1")

        let (second, report) = try underLoad(sandbox, "deploy-2") {
            try blueGreen(sandbox, ["--tags", "deploy", "-e", "version=2", "-e", "approve=true"], name: "deploy-2")
        }
        XCTAssertEqual(second.exitCode, 0, second.output)
        XCTAssertTrue(second.output.contains("Production runs version 2"), second.output)
        assertServed(report, versions: ["1", "2"], last: "2")
        // Version 1 stays running on the other group, ready for a rollback.
        XCTAssertEqual(try sandbox.state().ids(version: "1", state: "running").count, 2)

        let (back, backReport) = try underLoad(sandbox, "rollback") {
            try blueGreen(sandbox, ["--tags", "rollback", "-e", "approve=true"], name: "rollback")
        }
        XCTAssertEqual(back.exitCode, 0, back.output)
        assertServed(backReport, versions: ["1", "2"], last: "1")

        // No terminal and no approve=true: the prompt gets no yes, production stays on 1.
        let refused = try blueGreen(sandbox, ["--tags", "deploy", "-e", "version=2"], name: "refused")
        XCTAssertEqual(refused.exitCode, 0, refused.output)
        XCTAssertTrue(refused.output.contains("Not approved"), refused.output)
        XCTAssertEqual(try sandbox.servedVersions().lastVersion, "1")

        // Build 3 fails its health check: its instances are removed, production stays on 1.
        let (bad, badReport) = try underLoad(sandbox, "deploy-3") {
            try blueGreen(sandbox, ["--tags", "deploy", "-e", "version=3", "-e", "approve=true"], name: "deploy-3")
        }
        XCTAssertEqual(bad.exitCode, 2, bad.output)
        XCTAssertTrue(bad.output.contains("did not get ready"), bad.output)
        assertServed(badReport, versions: ["1"], last: "1")
        XCTAssertEqual(try sandbox.state().ids(version: "3", state: "running"), [])
    }
}
