import Foundation
import XCTest

/// playbooks/translate-api.yml run by the built `play` against a private sandbox: real AWS API
/// (moto with signature checking behind the sandbox's endpoint), real instances (an sshd each),
/// a real load balancer (nginx) and continuous load through it. Every scenario starts from no
/// instance at all and asserts what a user would look at: the play's exit code and message, zero
/// failed requests of at least 1,000, the version served after, the target group's members, and
/// every instance that still exists.
final class TranslateAPIDeployTests: SandboxTestCase {
    /// plays this test started in the background, stopped in tearDown whatever happened.
    private var plays: [ChildProcess] = []

    override func tearDown() {
        for play in plays { play.stop(signal: SIGKILL) }
        plays = []
        super.tearDown()
    }

    // MARK: Scenarios

    func testDeployUnderLoadReplacesTheOldVersionWithoutAFailedRequest() throws {
        let sandbox = try startClean()
        let first = try deploy(sandbox, "1")
        let v1 = try sandbox.state().ids(version: "1", state: "running")
        XCTAssertEqual(v1.count, 2, "deploy 1 launches app_instance_count (2) instances")

        let check = try sandbox.play(["--tags", "deploy", "-e", "version=2", "--check"], name: "deploy-2-check")
        XCTAssertEqual(check.exitCode, 0, check.output)
        XCTAssertTrue(check.output.contains("would deploy th3-server 2: launch 2 and start 0 instance(s)"), check.output)
        XCTAssertEqual(try sandbox.state().instances.map(\.id).sorted(), v1, "check mode changes nothing")

        _ = try sandbox.awsRequestCount(reset: true)
        let page = sandbox.workDirectory + "/deploy-2.html"
        let (second, report) = try underLoad(sandbox, "deploy-2") {
            try sandbox.play(["--tags", "deploy", "-e", "version=2", "--report", page,
                              "--load-report", LoadGenerator.statusPath(sandbox, "deploy-2")], name: "deploy-2")
        }
        XCTAssertEqual(second.exitCode, 0, second.output)
        // The deploy's AWS budget (bench/deploy.py measures 30 for 4 and for 16 instances).
        let requests = try sandbox.awsRequestCount()
        XCTAssertLessThanOrEqual(requests, 40, "AWS requests of one deploy")
        XCTAssertTrue(second.output.contains("th3-server 2 serves from"), second.output)
        assertNoFailures(report, versions: ["1", "2"], last: "2")

        let state = try sandbox.state()
        let v2 = state.ids(version: "2", state: "running")
        XCTAssertEqual(v2.count, 2, state.summary)
        XCTAssertEqual(state.ids(version: "1", state: "stopped"), v1, "the old version is stopped, kept for a rollback: \(state.summary)")
        XCTAssertEqual(state.instances.count, 4, "no other instance is left: \(state.summary)")
        XCTAssertEqual(state.targetIDs, v2, "only the new version is in the target group: \(state.summary)")
        XCTAssertEqual(state.healthyTargetIDs, v2, state.summary)
        XCTAssertEqual(try sandbox.servedVersions().versions.keys.sorted(), ["2"])
        try assertDeployStory(page, before: "1", after: "2", launched: v2, stopped: v1)
        print("[deploy] build 1: \(fmt(first.seconds)) s; build 2 under load: \(fmt(second.seconds)) s, \(requests) AWS requests, \(report.summary)")
    }

    func testFailedDeployCleansUpAndLeavesTheOldVersionServing() throws {
        let sandbox = try startClean()
        try deploy(sandbox, "1")
        let v1 = try sandbox.state().ids(version: "1", state: "running")

        let (failed, report) = try underLoad(sandbox, "deploy-3") { try sandbox.play(["--tags", "deploy", "-e", "version=3"], name: "deploy-3") }
        XCTAssertEqual(failed.exitCode, 2, "a failed deploy exits as a failed host does: \(failed.output)")
        XCTAssertTrue(failed.output.contains("Deploy of th3-server 3 failed"), failed.output)
        XCTAssertTrue(failed.output.contains("Health checks failed with these codes: [500]"), failed.output)
        XCTAssertTrue(failed.output.contains("Its instances were removed; th3-server 1 keeps serving."), failed.output)
        assertNoFailures(report, versions: ["1"], last: "1")

        let state = try sandbox.state()
        XCTAssertEqual(state.instances.filter { $0.version == "3" }.map(\.id), [], "build 3's instances are terminated: \(state.summary)")
        XCTAssertEqual(state.ids(version: "1", state: "running"), v1, state.summary)
        XCTAssertEqual(state.instances.count, 2, "no other instance is left: \(state.summary)")
        XCTAssertEqual(state.targetIDs, v1, state.summary)
        XCTAssertEqual(state.healthyTargetIDs, v1, state.summary)
        print("[failed deploy] build 3 under load: \(fmt(failed.seconds)) s, \(report.summary)")
    }

    func testAnInstanceThatFailsToStartDoesNotFailTheOthers() throws {
        let sandbox = try startClean()
        try deploy(sandbox, "1")
        let v1 = try sandbox.state().ids(version: "1", state: "running")
        // The second new instance gets a start command that exits at once (twice: start, restart).
        let command = #"{"app_start_command": "{{ ('./run.sh --bind ' ~ ansible_host ~ ' --port 8080') "#
            + #"if inventory_hostname == groups['deploy_new'][0] else 'false' }}"}"#
        let (partial, report) = try underLoad(sandbox, "deploy-2-partial") {
            try sandbox.play(["--tags", "deploy", "-e", "version=2", "-e", "app_min_healthy=1", "-e", command],
                             name: "deploy-2-partial")
        }
        XCTAssertEqual(partial.exitCode, 0, "one healthy instance of two is enough with app_min_healthy=1: \(partial.output)")
        XCTAssertTrue(partial.output.contains("did not come up after 1 restart(s): the process exited"), partial.output)
        XCTAssertTrue(partial.output.contains("failed and terminated"), partial.output)
        assertNoFailures(report, versions: ["1", "2"], last: "2")
        let state = try sandbox.state()
        let v2 = state.ids(version: "2", state: "running")
        XCTAssertEqual(v2.count, 1, "the instance that failed is terminated: \(state.summary)")
        XCTAssertEqual(state.ids(version: "1", state: "stopped"), v1, state.summary)
        XCTAssertEqual(state.instances.count, 3, state.summary)
        XCTAssertEqual(state.targetIDs, v2, state.summary)
        print("[partial deploy] 1 of 2 started: \(fmt(partial.seconds)) s, \(report.summary)")
    }

    func testRollbackByVersionAndByInstancesUnderLoad() throws {
        let sandbox = try startClean()
        try deploy(sandbox, "1")
        let v1 = try sandbox.state().ids(version: "1", state: "running")
        try deploy(sandbox, "2")
        let v2 = try sandbox.state().ids(version: "2", state: "running")

        let (back, report) = try underLoad(sandbox, "rollback-1") {
            try sandbox.play(["--tags", "rollback", "-e", "version=1"], name: "rollback-1")
        }
        XCTAssertEqual(back.exitCode, 0, back.output)
        assertNoFailures(report, versions: ["1", "2"], last: "1")
        var state = try sandbox.state()
        XCTAssertEqual(state.ids(version: "1", state: "running"), v1, "the stopped v1 instances serve again: \(state.summary)")
        XCTAssertEqual(state.ids(version: "2", state: "stopped"), v2, state.summary)
        XCTAssertEqual(state.instances.count, 4, state.summary)
        XCTAssertEqual(state.targetIDs, v1, state.summary)
        XCTAssertEqual(state.healthyTargetIDs, v1, state.summary)

        let (forward, report2) = try underLoad(sandbox, "rollback-ids") {
            try sandbox.play(["--tags", "rollback", "-e", "rollback_instances=" + v2.joined(separator: ",")], name: "rollback-ids")
        }
        XCTAssertEqual(forward.exitCode, 0, forward.output)
        assertNoFailures(report2, versions: ["1", "2"], last: "2")
        state = try sandbox.state()
        XCTAssertEqual(state.ids(version: "2", state: "running"), v2, state.summary)
        XCTAssertEqual(state.ids(version: "1", state: "stopped"), v1, state.summary)
        XCTAssertEqual(state.targetIDs, v2, state.summary)

        let missing = try sandbox.play(["--tags", "rollback", "-e", "version=9"], name: "rollback-9")
        XCTAssertEqual(missing.exitCode, 2)
        XCTAssertTrue(missing.output.contains("no instance of th3-server 9 is left to roll back to"), missing.output)
        XCTAssertEqual(try sandbox.state().targetIDs, v2, "a rollback that cannot start changes nothing")
        print("[rollback] to 1 by version: \(fmt(back.seconds)) s, \(report.summary); to 2 by instances: \(fmt(forward.seconds)) s, \(report2.summary)")
    }

    func testDeployKilledMidwayFinishesWhenRunAgainWithoutDuplicatesOrAnEmptyTargetGroup() throws {
        let sandbox = try startClean()
        try deploy(sandbox, "1")
        let v1 = try sandbox.state().ids(version: "1", state: "running")

        let load = try LoadGenerator(sandbox: sandbox, rate: Self.rate, name: "killed")
        loads.append(load)
        let watcher = RoutingWatcher(sandbox)
        // Killed while it waits for the new targets to become healthy: instances launched, apps
        // started, targets registered, the old version still registered.
        // Its deploy lock outlives it by its lease (5 s here): the run again waits that out.
        let killed = try sandbox.startPlay(["--tags", "deploy", "-e", "version=2", "--output", "json", "-e", "lock_lease=5"],
                                           name: "killed")
        plays.append(killed)
        let launched = try waitForTask(killed, named: "Register the started instances in the target group", timeout: 120)
        usleep(300_000)
        killed.stop(signal: SIGKILL)
        XCTAssertEqual(launched.count, 2, "the killed run launched its instances: \(killed.output.suffix(3000))")
        var state = try sandbox.state()
        XCTAssertEqual(state.ids(version: "2", state: "running"), launched, state.summary)

        let again = try sandbox.play(["--tags", "deploy", "-e", "version=2", "-e", "lock_wait=60"], name: "after-kill")
        let routing = watcher.stop()
        let report = try load.stop()
        XCTAssertEqual(again.exitCode, 0, again.output)
        XCTAssertTrue(again.output.contains("th3-server 2 serves from"), again.output)
        for id in launched {
            XCTAssertNotNil(again.output.range(of: id + #" +: ok=2 +changed=0 "#, options: .regularExpression),
                            "the app that the killed run started is not restarted: \(again.output)")
        }
        assertNoFailures(report, versions: ["1", "2"], last: "2")
        XCTAssertGreaterThan(routing.samples, 20)
        XCTAssertGreaterThanOrEqual(routing.fewest, 1, "the load balancer had no target at \(routing.emptyAt) s")

        state = try sandbox.state()
        XCTAssertEqual(state.ids(version: "2", state: "running"), launched, "the second run launched nothing new: \(state.summary)")
        XCTAssertEqual(state.ids(version: "1", state: "stopped"), v1, state.summary)
        XCTAssertEqual(state.instances.count, 4, "no duplicate or stray instance: \(state.summary)")
        XCTAssertEqual(state.targetIDs, launched, state.summary)
        XCTAssertEqual(state.healthyTargetIDs, launched, state.summary)
        print("[killed deploy] run again: \(fmt(again.seconds)) s, \(report.summary), fewest routed targets \(routing.fewest)")
    }

    func testTeardownNeedsConfirmationThenRemovesEveryInstance() throws {
        let sandbox = try startClean()
        try deploy(sandbox, "1")
        let refused = try sandbox.play(["--tags", "teardown"], name: "teardown-refused")
        XCTAssertEqual(refused.exitCode, 2)
        XCTAssertTrue(refused.output.contains("-e confirm_teardown=yes"), refused.output)
        XCTAssertEqual(try sandbox.state().instances.count, 2, "nothing is removed without the confirmation")

        let done = try sandbox.play(["--tags", "teardown", "-e", "confirm_teardown=yes"], name: "teardown")
        XCTAssertEqual(done.exitCode, 0, done.output)
        let state = try sandbox.state()
        XCTAssertEqual(state.instances.count, 0, state.summary)
        XCTAssertEqual(state.targetIDs, [], state.summary)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.directory + "/artifacts"), "downloaded builds are deleted")
    }

    func testSSHStartLeavesARunningBuildAloneRestartsOnceKeepsTheEnvironmentSecret() throws {
        let sandbox = try startClean()
        try deploy(sandbox, "1")
        let ids = try sandbox.state().ids(version: "1", state: "running")
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/ssh-start.yml"
        let r = try sandbox.play([], name: "ssh-start", playbook: fixture)
        XCTAssertEqual(r.exitCode, 0, r.output)
        XCTAssertEqual(r.output.components(separatedBy: "ok=8    changed=3    unreachable=0    failed=0").count, 3,
                       "every task ran on both instances, the broken build's failure ignored: \(r.output)")
        XCTAssertFalse(r.output.contains("s3cr3t t0ken"), "the environment's values are never shown")
        for id in ids {
            let app = sandbox.directory + "/instances/\(id)/home/apps/th3-server"
            let envFile = app + "/1/app.env"
            let attributes = try FileManager.default.attributesOfItem(atPath: envFile)
            XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, "app.env is private")
            XCTAssertTrue(try String(contentsOfFile: envFile, encoding: .utf8).contains(#"TH3_SECRET_TOKEN='s3cr3t t0ken'\''value'"#),
                          "values are quoted for the shell")
            let pid = try String(contentsOfFile: app + "/app.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let environ = String(decoding: FileManager.default.contents(atPath: "/proc/\(pid)/environ") ?? Data(), as: UTF8.self)
                .split(separator: "\0").map(String.init)
            XCTAssertTrue(environ.contains("TH3_SECRET_TOKEN=s3cr3t t0ken'value"), "the app runs with its environment")
            XCTAssertTrue(environ.contains("PLAY_APP=th3-server"), "the app carries ssh_start's marker")
            XCTAssertTrue(FileManager.default.fileExists(atPath: app + "/1/blob"), "the large build is the one unpacked")
        }
        // The load balancer took the instances out while build 3 failed; two passing checks bring them back.
        let deadline = Date().addingTimeInterval(20)
        while sandbox.routedServers()?.count != 2 && Date() < deadline { usleep(200_000) }
        XCTAssertEqual(try sandbox.servedVersions().failures, 0, "both instances serve again")
    }

    // MARK: Steps

    /// Teardown of whatever an earlier scenario left, so each scenario starts with no instance.
    private func startClean() throws -> DeploySandbox {
        let sandbox = try sandbox()
        if try !sandbox.state().instances.isEmpty {
            let r = try sandbox.play(["--tags", "teardown", "-e", "confirm_teardown=yes"], name: "reset")
            XCTAssertEqual(r.exitCode, 0, r.output)
        }
        return sandbox
    }

    /// A deploy without load, which must succeed.
    @discardableResult
    private func deploy(_ sandbox: DeploySandbox, _ version: String) throws -> DeploySandbox.PlayResult {
        let r = try sandbox.play(["--tags", "deploy", "-e", "version=\(version)"], name: "deploy-\(version)")
        XCTAssertEqual(r.exitCode, 0, r.output)
        return r
    }

    /// Runs `body` with continuous load through the load balancer; the load stops after it.
    private func underLoad(_ sandbox: DeploySandbox, _ name: String,
                           _ body: () throws -> DeploySandbox.PlayResult) throws -> (DeploySandbox.PlayResult, LoadGenerator.Report) {
        let load = try LoadGenerator(sandbox: sandbox, rate: Self.rate, name: name)
        loads.append(load)
        let result = try body()
        // The version the load balancer serves once the play is done.
        usleep(500_000)
        return (result, try load.stop())
    }

    /// The `--report` page of a deploy tells its story: versions, instances, target health, load.
    private func assertDeployStory(_ path: String, before: String, after: String, launched: [String], stopped: [String],
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        let html = try String(contentsOfFile: path, encoding: .utf8)
        // Each row's values, in any order.
        func row(_ name: String, _ values: [String]) {
            let open = "<tr><td>\(name)</td><td>"
            guard let start = html.range(of: open), let end = html[start.upperBound...].range(of: "</td></tr>") else {
                return XCTFail("no \(name) row in \(path)", file: file, line: line)
            }
            let shown = html[start.upperBound..<end.lowerBound].components(separatedBy: ", ").sorted()
            XCTAssertEqual(shown, values.sorted(), "\(name) in \(path)", file: file, line: line)
        }
        row("version before", [before])
        row("version after", [after])
        row("launched", launched)
        row("registered", launched)
        row("taken out", stopped)
        row("stopped", stopped)
        XCTAssertTrue(html.contains("<h3>Target health</h3>") && html.contains("healthy</title>"), "health over time", file: file, line: line)
        XCTAssertNotNil(html.range(of: #"<tr><td>load balancer answered</td><td>[1-9][0-9]* requests"#, options: .regularExpression),
                        "the load report's requests", file: file, line: line)
    }

    private func assertNoFailures(_ report: LoadGenerator.Report, versions: Set<String>, last: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(report.failures, 0, "failed requests: \(report.summary)", file: file, line: line)
        XCTAssertGreaterThanOrEqual(report.requests, Self.minimumRequests, report.summary, file: file, line: line)
        XCTAssertTrue(Set(report.versions.keys).isSubset(of: versions), "served \(report.versions.keys.sorted()), expected only \(versions.sorted())",
                      file: file, line: line)
        XCTAssertEqual(report.lastVersion, last, report.summary, file: file, line: line)
    }

    /// Reads `play --output json` events as they come until a task whose name starts with
    /// `prefix` starts; returns the instance ids ec2_launch reported before that.
    private func waitForTask(_ play: ChildProcess, named prefix: String, timeout: Double) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var launched: [String] = []
            for line in play.output.split(separator: "\n") {
                guard let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
                if event["event"] as? String == "host_result", event["module"] as? String == "ec2_launch",
                   let result = event["result"] as? [String: Any], let ids = result["instance_ids"] as? [String] {
                    launched = ids.sorted()
                }
                if event["event"] as? String == "task_start", (event["name"] as? String)?.hasPrefix(prefix) == true {
                    return launched
                }
            }
            guard play.isRunning else { throw DeployTestFailure("play ended before '\(prefix)': \(play.output.suffix(3000))") }
            usleep(50_000)
        }
        throw DeployTestFailure("play did not reach '\(prefix)' within \(Int(timeout))s: \(play.output.suffix(3000))")
    }

    private func fmt(_ seconds: Double) -> String { String(format: "%.1f", seconds) }
}

/// The sandbox of each test class, started in `class func setUp()` and stopped in `tearDown()`;
/// a start failure is kept and handed to every test, so each fails with the reason.
final class SandboxRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var sandboxes: [String: Result<DeploySandbox, any Error>] = [:]

    func start(_ key: String) {
        let result = Result { try DeploySandbox.start() }
        lock.withLock { sandboxes[key] = result }
    }

    func sandbox(for key: String) throws -> DeploySandbox {
        guard let result = lock.withLock({ sandboxes[key] }) else {
            throw DeployTestFailure("no sandbox was started for \(key)")
        }
        return try result.get()
    }

    func stop(_ key: String) {
        let result = lock.withLock { sandboxes.removeValue(forKey: key) }
        if case .success(let sandbox)? = result { sandbox.stop() }
    }
}
