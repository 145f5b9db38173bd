import Foundation
import XCTest

/// The deploy lock and journal (playbooks/tasks/deploy-lock.yml, lock-admin.yml) on a private
/// sandbox, run by the built `play` as operators would: two runs at once (the second refuses with
/// the holder's record, exit 2, while the first renews its lease), the lock of a SIGKILLed run
/// (refused until its lease runs out, then taken over by a run that waits), a dead controller's
/// lock broken with --tags unlock -e force=yes, --check taking no lock, a failed run releasing its
/// lock and recording itself, and --tags history
/// listing the runs newest first. The lock is read (and a dead controller's lock planted) with
/// boto3 by `sandboxctl lock`.
final class DeployLockTests: SandboxTestCase {
    private var plays: [ChildProcess] = []

    override func tearDown() {
        for play in plays { play.stop(signal: SIGKILL) }
        plays = []
        super.tearDown()
    }

    func testASecondRunRefusesWithTheHoldersRecordWhileTheFirstRenewsItsLease() throws {
        let sandbox = try sandbox()
        try assertUnlocked(sandbox)
        let journalBefore = try lockState(sandbox).journal
        // A lease of 6 s, renewed every 2 s: the first run renews it before the second is started.
        let first = try sandbox.startPlay(["--tags", "deploy", "-e", "version=2", "-e", "lock_lease=6"], name: "lock-a")
        plays.append(first)
        let held = try waitForLock(sandbox, while: first) { $0.renewed != $0.since }
        XCTAssertEqual(held.pid, Int(first.pid))
        XCTAssertEqual(held.flow, "deploy")
        XCTAssertEqual(held.version, "2")

        let second = try sandbox.play(["--tags", "rollback", "-e", "version=1"], name: "lock-b", timeout: 60)
        XCTAssertTrue(first.isRunning, "the first run still ran when the second was refused")
        XCTAssertEqual(second.exitCode, 2, second.output)
        XCTAssertTrue(second.output.contains("th3-server is locked, nothing was changed: th3-server deploy 2 by "
                                             + "\(held.user) on \(held.host) (pid \(first.pid)), since \(held.since)"), second.output)
        XCTAssertTrue(second.output.contains("-e lock_wait=SECONDS"), second.output)
        XCTAssertFalse(second.output.contains("TASK [Find the instances of the version to go back to]"),
                       "refused before it looked at anything: \(second.output)")

        XCTAssertEqual(try first.wait(timeout: 240), 0, first.output)
        try assertUnlocked(sandbox)
        XCTAssertEqual(try sandbox.servedVersions().lastVersion, "2")
        XCTAssertEqual(try lockState(sandbox).journal, journalBefore + 1, "the deploy wrote one record, the refused run none")

        let history = try sandbox.play(["--tags", "history"], name: "lock-history", timeout: 60)
        XCTAssertEqual(history.exitCode, 0, history.output)
        let lines = Self.historyLines(history.output)
        XCTAssertGreaterThanOrEqual(lines.count, 1, history.output)
        XCTAssertTrue(lines.first?.contains(" deploy ") == true && lines.first?.contains("-> 2 success in ") == true,
                      "the newest record is this deploy: \(lines)")
        XCTAssertEqual(lines.map { String($0.prefix(20)) }, lines.map { String($0.prefix(20)) }.sorted(by: >), "newest first: \(lines)")

        // An interrupted run (SIGTERM, as Ctrl-C) records itself and releases the lock as it ends,
        // so the next run needs no wait.
        let interrupted = try sandbox.startPlay(["--tags", "deploy", "-e", "version=1"], name: "lock-term")
        plays.append(interrupted)
        _ = try waitForLock(sandbox, while: interrupted) { _ in true }
        kill(interrupted.pid, SIGTERM)
        XCTAssertEqual(try interrupted.wait(timeout: 120), 99, interrupted.output)
        XCTAssertTrue(interrupted.output.contains("journal record written (interrupted); lock released"), interrupted.output)
        try assertUnlocked(sandbox)
    }

    func testTheLockOfAKilledRunExpiresAndAWaitingRunTakesItOver() throws {
        let sandbox = try sandbox()
        try assertUnlocked(sandbox)
        let doomed = try sandbox.startPlay(["--tags", "deploy", "-e", "version=1", "-e", "lock_lease=8"], name: "lock-killed")
        plays.append(doomed)
        let held = try waitForLock(sandbox, while: doomed) { _ in true }
        doomed.stop(signal: SIGKILL)
        XCTAssertEqual(held.pid, Int(doomed.pid))

        let refused = try sandbox.play(["--tags", "deploy", "-e", "version=1"], name: "lock-after-kill", timeout: 60)
        XCTAssertEqual(refused.exitCode, 2, "the dead run's lease is still current: \(refused.output)")
        XCTAssertTrue(refused.output.contains("(pid \(doomed.pid))"), refused.output)

        let waited = try sandbox.play(["--tags", "deploy", "-e", "version=1", "-e", "lock_wait=60"], name: "lock-wait")
        XCTAssertEqual(waited.exitCode, 0, waited.output)
        XCTAssertTrue(waited.output.contains("waiting for the deploy lock held by \(held.user) on \(held.host) (deploy 1)"), waited.output)
        XCTAssertTrue(waited.output.contains("th3-server 1 serves from"), waited.output)
        try assertUnlocked(sandbox)

        let history = try sandbox.play(["--tags", "history", "-e", "history_limit=2"], name: "lock-history-kill", timeout: 60)
        let lines = Self.historyLines(history.output)
        XCTAssertEqual(lines.count, 2, history.output)
        XCTAssertTrue(lines.first?.contains("-> 1 success") == true, "newest: the run that waited: \(lines)")
        XCTAssertTrue(lines.last?.contains("deploy - -> 1 died") == true && lines.last?.contains("lease expired") == true,
                      "then the killed run, recorded by the run that took its lock over: \(lines)")
    }

    func testForceUnlockBreaksADeadControllersLockLoudlyAndCheckModeTakesNone() throws {
        let sandbox = try sandbox()
        try assertUnlocked(sandbox)
        // A lock left by a run that died on another machine, with 10 minutes of lease left.
        let planted = try lockState(sandbox, plant: true)
        XCTAssertEqual(planted.lock?.host, "another-controller")

        let check = try sandbox.play(["--tags", "deploy", "-e", "version=2", "--check"], name: "lock-check", timeout: 120)
        XCTAssertEqual(check.exitCode, 0, "check mode neither takes nor waits for the lock: \(check.output)")
        XCTAssertTrue(check.output.contains("would deploy th3-server 2"), check.output)
        XCTAssertEqual(try lockState(sandbox).lock?.run, "planted-dead-run", "check mode wrote no lock")

        let refused = try sandbox.play(["--tags", "deploy", "-e", "version=2"], name: "lock-planted", timeout: 60)
        XCTAssertEqual(refused.exitCode, 2, refused.output)
        XCTAssertTrue(refused.output.contains("th3-server deploy 7 by mallory on another-controller (pid 999999)"), refused.output)

        let unforced = try sandbox.play(["--tags", "unlock"], name: "lock-unlock", timeout: 60)
        XCTAssertEqual(unforced.exitCode, 2, unforced.output)
        XCTAssertTrue(unforced.output.contains("run again with -e force=yes"), unforced.output)
        XCTAssertEqual(try lockState(sandbox).lock?.run, "planted-dead-run", "without force nothing is broken")

        let forced = try sandbox.play(["--tags", "unlock", "-e", "force=yes"], name: "lock-unlock-force", timeout: 60)
        XCTAssertEqual(forced.exitCode, 0, forced.output)
        XCTAssertTrue(forced.output.contains("LOCK BROKEN: the deploy lock of th3-server held by th3-server deploy 7 by mallory"
                                             + " on another-controller (pid 999999)"), forced.output)
        try assertUnlocked(sandbox)

        let history = try sandbox.play(["--tags", "history", "-e", "history_limit=1"], name: "lock-history-unlock", timeout: 60)
        let lines = Self.historyLines(history.output)
        XCTAssertEqual(lines.count, 1, history.output)
        XCTAssertTrue(lines.first?.contains("unlock - -> 7 lock broken") == true, "\(lines)")

        // A run that fails after taking the lock (there is no build 9) records itself and
        // releases the lock as it ends.
        let failed = try sandbox.play(["--tags", "deploy", "-e", "version=9"], name: "lock-failed", timeout: 120)
        XCTAssertEqual(failed.exitCode, 2, failed.output)
        XCTAssertTrue(failed.output.contains("deploy lock of th3-server still held when the run ended (failed): "
                                             + "journal record written (failed); lock released"), failed.output)
        try assertUnlocked(sandbox)
        let after = Self.historyLines(try sandbox.play(["--tags", "history", "-e", "history_limit=1"], name: "lock-history-failed",
                                                       timeout: 60).output)
        XCTAssertTrue(after.first?.contains("deploy - -> 9 failed") == true, "\(after)")
    }

    // MARK: Helpers

    struct LockState: Decodable {
        struct Record: Decodable {
            var run: String
            var user: String
            var host: String
            var pid: Int
            var flow: String
            var version: String
            var since: String
            var renewed: String
        }

        var lock: Record?
        var journal: Int
    }

    private func lockState(_ sandbox: DeploySandbox, plant: Bool = false) throws -> LockState {
        let child = try ChildProcess(sandbox.repository + "/sandbox/sandboxctl", ["lock", "--json"] + (plant ? ["--plant-dead"] : []),
                                     environment: sandbox.environment, cwd: sandbox.repository,
                                     outputPath: sandbox.workDirectory + "/lock-state.json", label: "sandboxctl lock")
        let code = try child.wait(timeout: 60)
        guard code == 0, let state = try? JSONDecoder().decode(LockState.self, from: Data(child.output.utf8)) else {
            throw DeployTestFailure("sandboxctl lock exited \(code): \(child.output.suffix(2000))")
        }
        return state
    }

    private func assertUnlocked(_ sandbox: DeploySandbox, file: StaticString = #filePath, line: UInt = #line) throws {
        let state = try lockState(sandbox)
        XCTAssertNil(state.lock, "the lock is left: \(String(describing: state.lock))", file: file, line: line)
    }

    /// Polls the lock until `condition` holds for it while `play` runs; fails if `play` ends first.
    private func waitForLock(_ sandbox: DeploySandbox, while play: ChildProcess,
                             _ condition: (LockState.Record) -> Bool) throws -> LockState.Record {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let record = try lockState(sandbox).lock, condition(record) { return record }
            guard play.isRunning else { throw DeployTestFailure("\(play.label) ended before the lock was seen:\n\(play.output)") }
            usleep(100_000)
        }
        throw DeployTestFailure("no lock seen within 60 s; \(play.label) wrote:\n\(play.output)")
    }

    /// The lines `--tags history` printed (the debug task's list of strings).
    static func historyLines(_ output: String) -> [String] {
        guard let start = output.range(of: "TASK [Recent runs of") else { return [] }
        let lines = output[start.upperBound...].split(separator: "\n")
        var found: [String] = []
        for line in lines.dropFirst() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("PLAY") || text.hasPrefix("TASK") { break }
            guard text.hasPrefix("\""), text.count > 2 else { continue }
            var body = String(text.dropFirst())
            if body.hasSuffix(",") { body.removeLast() }
            if body.hasSuffix("\"") { body.removeLast() }
            if body.hasPrefix("20") { found.append(body) }
        }
        return found
    }
}
