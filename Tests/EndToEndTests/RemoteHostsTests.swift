import Foundation
import PlayTestSupport
import XCTest

/// The built `play` against ten real sshd hosts (scripts/sshd-fleet.sh on 127.0.N.1-10): remote
/// effects on disk (each host has its own home under the fleet directory), the recap, truthful
/// `changed`, check mode, unreachable hosts, host keys, become, delegation, and no ssh master
/// left behind. Each test works under its own directory in the homes (`-e root=NAME`), so the
/// tests share one fleet and do not depend on their order.
final class RemoteHostsTests: XCTestCase {
    private static let fleets = FleetRegistry()
    private static let hostCount = 10

    override class func setUp() {
        super.setUp()
        fleets.start(String(describing: self), hosts: hostCount)
    }

    override class func tearDown() {
        fleets.stop(String(describing: self))
        super.tearDown()
    }

    private func fleet() throws -> SSHFleet {
        try Self.fleets.fleet(for: String(describing: Self.self))
    }

    private var fixtures: URL { PlayProcess.fixtures.appendingPathComponent("remote") }
    private var hosts: ClosedRange<Int> { 1...Self.hostCount }

    // MARK: Every module, twice

    func testEveryModuleChangesTenHostsThenASecondRunReportsNoChange() throws {
        let fleet = try fleet()
        let first = try play(fleet, "site.yml", root: "site")
        XCTAssertEqual(first.exitCode, 0, first.stdout + first.stderr)
        let motd = try String(contentsOf: fixtures.appendingPathComponent("files/motd.txt"), encoding: .utf8)
        for k in hosts {
            XCTAssertTrue(first.stdout.contains(recapLine("h\(k)", ok: 10, changed: 5)), first.stdout)
            let app = fleet.home(k) + "/site/app"
            XCTAssertEqual(try mode(app), 0o750)
            XCTAssertEqual(try read(app + "/greeting.txt"), "hello from h\(k)\n")
            XCTAssertEqual(try mode(app + "/greeting.txt"), 0o640)
            XCTAssertEqual(try read(app + "/motd.txt"), motd)
            XCTAssertEqual(try mode(app + "/app.conf"), 0o600)
            XCTAssertEqual(try read(app + "/app.conf"), """
                # managed by play
                [app]
                host = h\(k)
                address = \(fleet.address(k)):\(fleet.port)
                worker.1 = alpha
                worker.2 = beta
                worker.3 = gamma
                # end

                """)
            // The shell ran on the host: in its home, with its HOME, through a pipe.
            let home = fleet.home(k).uppercased()
            XCTAssertEqual(try read(app + "/where.txt"), "\(home)\n\(home)\n")
        }

        let before = try hosts.map { try inode(fleet.home($0) + "/site/app/greeting.txt") }
        let second = try play(fleet, "site.yml", root: "site", json: true)
        XCTAssertEqual(second.exitCode, 0, second.stdout + second.stderr)
        let results = try hostResults(second.stdout)
        XCTAssertEqual(results.count, 10 * Self.hostCount)
        for r in results {
            let expected = r.module == "shell" ? "changed" : "ok"
            XCTAssertEqual(r.status, expected, "\(r.host) \(r.task) (\(r.module)) on the second run")
        }
        let recap = try recapCounts(second.stdout)
        for k in hosts {
            XCTAssertEqual(recap["h\(k)"]?["changed"], 1, "only the shell task changes on h\(k)")
            XCTAssertEqual(recap["h\(k)"]?["ok"], 10)
        }
        // copy compared checksums and left the files alone (a rewrite would be a new inode).
        XCTAssertEqual(try hosts.map { try inode(fleet.home($0) + "/site/app/greeting.txt") }, before)
    }

    // MARK: Async jobs

    /// poll > 0, a job killed at its `async`, poll 0 then async_status until finished, cleanup:
    /// the asserts in Fixtures/async/jobs.yml hold on every host, job files sit in each host's
    /// home, and no killed command is left running.
    func testAsyncJobsOnEveryHost() throws {
        let fleet = try fleet()
        let sleeper = 5000 + Int.random(in: 0..<900)
        let result = try play(fleet, fixtures.deletingLastPathComponent().appendingPathComponent("async/jobs.yml").path,
                              root: "async", extra: ["-e", "sleeper=\(sleeper)"])
        XCTAssertEqual(result.exitCode, 0, result.stdout + result.stderr)
        for k in hosts {
            XCTAssertTrue(result.stdout.contains(recapLine("h\(k)", ok: 23, changed: 8)), result.stdout)
            XCTAssertTrue(FileManager.default.fileExists(atPath: fleet.home(k) + "/.ansible_async"), "h\(k)")
        }
        XCTAssertEqual(try AsyncJobTests.liveProcesses(matching: "sleep \(sleeper)"), [])
    }


    func testFactsAreGatheredOverSSHByDefault() throws {
        let fleet = try fleet()
        let result = try play(fleet, "facts.yml", root: "facts")
        guard result.exitCode == 0 else { return XCTFail(result.stdout + result.stderr) }
        XCTAssertTrue(result.stdout.contains("TASK [Gathering Facts] ***"), result.stdout)
        let release = try String(contentsOfFile: "/etc/os-release", encoding: .utf8)
        let kernel = try String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)
        for k in hosts {
            // Gathering counts as ok, like Ansible's.
            XCTAssertTrue(result.stdout.contains(recapLine("h\(k)", ok: 4, changed: 3)), result.stdout)
            let data = try Data(contentsOf: URL(fileURLWithPath: fleet.home(k) + "/facts/facts.json"))
            let facts = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let distribution = try XCTUnwrap(facts["distribution"] as? String)
            XCTAssertTrue(release.lowercased().contains("id=\(distribution.lowercased())"), distribution)
            XCTAssertTrue(kernel.contains(try XCTUnwrap(facts["kernel"] as? String)), kernel)
            XCTAssertGreaterThan(try XCTUnwrap(facts["memtotal_mb"] as? Int), 0)
            XCTAssertGreaterThan(try XCTUnwrap(facts["processor_vcpus"] as? Int), 0)
            XCTAssertEqual((facts["env"] as? [String: Any])?["HOME"] as? String, fleet.home(k))
            XCTAssertNotNil((facts["date_time"] as? [String: Any])?["epoch"] as? String)
            XCTAssertNotNil(facts["default_ipv4"] as? [String: Any])
            XCTAssertEqual(facts["pkg_mgr"] as? String, "apt")
            let family = try XCTUnwrap(facts["os_family"] as? String)
            XCTAssertEqual(try read(fleet.home(k) + "/facts/summary.txt"),
                           "\(distribution)|\(family)|\(fleet.home(k))|\(facts["kernel"] as? String ?? "")\n")
        }
    }

    // MARK: Check mode

    func testCheckModeChangesNothingRemotely() throws {
        let fleet = try fleet()
        let dry = try play(fleet, "site.yml", root: "check", extra: ["--check"])
        XCTAssertEqual(dry.exitCode, 0, dry.stdout + dry.stderr)
        for k in hosts {
            XCTAssertTrue(dry.stdout.contains(recapLine("h\(k)", ok: 5, changed: 4, skipped: 5)), dry.stdout)
            XCTAssertFalse(FileManager.default.fileExists(atPath: fleet.home(k) + "/check"), "check mode created files on h\(k)")
        }

        let real = try play(fleet, "site.yml", root: "check")
        XCTAssertEqual(real.exitCode, 0, real.stdout + real.stderr)
        let greeting = fleet.home(2) + "/check/app/greeting.txt"
        let config = fleet.home(3) + "/check/app/app.conf"
        try "tampered\n".write(toFile: greeting, atomically: false, encoding: .utf8)
        XCTAssertEqual(chmod(config, 0o644), 0)

        let check = try play(fleet, "site.yml", root: "check", extra: ["--check"], json: true)
        XCTAssertEqual(check.exitCode, 0, check.stdout + check.stderr)
        let changed = try hostResults(check.stdout).filter { $0.status == "changed" }.map { "\($0.host) \($0.module)" }
        XCTAssertEqual(Set(changed), ["h2 copy", "h3 template"], "only the drifted files would change")
        XCTAssertEqual(try read(greeting), "tampered\n", "check mode rewrote a file")
        XCTAssertEqual(try mode(config), 0o644, "check mode changed a mode")
    }

    // MARK: Unreachable hosts

    func testAStoppedHostIsUnreachableAndTheOthersFinish() throws {
        let fleet = try fleet()
        try fleet.stopHost(3)
        defer { XCTAssertNoThrow(try fleet.startHost(3)) }
        let r = try play(fleet, "site.yml", root: "down")
        XCTAssertEqual(r.exitCode, 4, "an unreachable host exits 4: \(r.stdout)\(r.stderr)")
        XCTAssertTrue(r.stdout.contains("fatal: [h3]: UNREACHABLE! =>"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Connection refused"), r.stdout)
        XCTAssertEqual(r.stdout.components(separatedBy: "UNREACHABLE!").count - 1, 1, "h3 leaves the play after its first failure")
        XCTAssertTrue(r.stdout.contains(recapLine("h3", ok: 0, changed: 0, unreachable: 1)), r.stdout)
        for k in hosts where k != 3 {
            XCTAssertTrue(r.stdout.contains(recapLine("h\(k)", ok: 10, changed: 5)), r.stdout)
            XCTAssertEqual(try read(fleet.home(k) + "/down/app/greeting.txt"), "hello from h\(k)\n")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: fleet.home(3) + "/down"))
    }

    func testAHostLostMidRunLeavesThePlay() throws {
        let fleet = try fleet()
        defer { XCTAssertNoThrow(try fleet.startHost(4)) }
        let r = try play(fleet, "midrun.yml", root: "mid",
                         extra: ["-e", "fleet_script=\(SSHFleet.script)", "-e", "fleet_dir=\(fleet.directory)", "-e", "victim=4"])
        XCTAssertEqual(r.exitCode, 4, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("fatal: [h4]: UNREACHABLE! =>"), r.stdout)
        // before + the run_once task counted on h1 only; h4 is lost at "after".
        XCTAssertTrue(r.stdout.contains(recapLine("h4", ok: 1, changed: 1, unreachable: 1)), r.stdout)
        XCTAssertTrue(r.stdout.contains(recapLine("h1", ok: 4, changed: 4)), r.stdout)
        let home4 = fleet.home(4)
        XCTAssertTrue(FileManager.default.fileExists(atPath: home4 + "/mid-before"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: home4 + "/mid-after"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: home4 + "/mid-done"))
        for k in hosts where k != 4 {
            XCTAssertEqual(try read(fleet.home(k) + "/mid-done"), "done\n", "h\(k) finished the play")
        }
    }

    // MARK: Host keys

    func testAWrongHostKeyIsRefusedUnlessCheckingIsOff() throws {
        let fleet = try fleet()
        let scratch = fleet.directory + "/wrong-key"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let (status, output) = SSHFleet.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", scratch + "/other"])
        XCTAssertEqual(status, 0, output)
        let otherKey = try read(scratch + "/other.pub").split(separator: " ").prefix(2).joined(separator: " ")
        let knownHosts = scratch + "/known_hosts"
        try hosts.map { "[\(fleet.address($0))]:\(fleet.port) \(otherKey)\n" }.joined()
            .write(toFile: knownHosts, atomically: true, encoding: .utf8)
        let inventory = scratch + "/inventory"
        try read(fleet.inventoryFile).replacingOccurrences(of: fleet.knownHostsFile, with: knownHosts)
            .write(toFile: inventory, atomically: true, encoding: .utf8)
        let userKnownHosts = NSHomeDirectory() + "/.ssh/known_hosts"
        let userKnownHostsBefore = FileManager.default.contents(atPath: userKnownHosts)

        let refused = try play(fleet, "site.yml", root: "keys", inventory: inventory,
                               environment: ["ANSIBLE_HOST_KEY_CHECKING": "True"])
        XCTAssertEqual(refused.exitCode, 4, refused.stdout + refused.stderr)
        for k in hosts {
            XCTAssertTrue(refused.stdout.contains("fatal: [h\(k)]: UNREACHABLE! => {\"changed\": false, \"msg\": \"h\(k): host key verification failed"),
                          refused.stdout)
            XCTAssertTrue(refused.stdout.contains(recapLine("h\(k)", ok: 0, changed: 0, unreachable: 1)), refused.stdout)
            XCTAssertFalse(FileManager.default.fileExists(atPath: fleet.home(k) + "/keys"), "h\(k) ran a task")
        }
        XCTAssertTrue(refused.stdout.contains("ANSIBLE_HOST_KEY_CHECKING=False"), "the error says how to turn checking off")

        let byEnvironment = try play(fleet, "site.yml", root: "keys", inventory: inventory,
                                     environment: ["ANSIBLE_HOST_KEY_CHECKING": "False"])
        XCTAssertEqual(byEnvironment.exitCode, 0, byEnvironment.stdout + byEnvironment.stderr)
        let byVariable = try play(fleet, "site.yml", root: "keys-var", inventory: inventory,
                                  extra: ["-e", "host_key_checking=false"], environment: ["ANSIBLE_HOST_KEY_CHECKING": "True"])
        XCTAssertEqual(byVariable.exitCode, 0, byVariable.stdout + byVariable.stderr)
        for k in hosts {
            XCTAssertEqual(try read(fleet.home(k) + "/keys/app/greeting.txt"), "hello from h\(k)\n")
            XCTAssertEqual(try read(fleet.home(k) + "/keys-var/app/greeting.txt"), "hello from h\(k)\n")
        }
        // With checking off nothing learns the (wrong) keys: neither file gains entries.
        XCTAssertEqual(FileManager.default.contents(atPath: userKnownHosts), userKnownHostsBefore)
        XCTAssertFalse(try read(knownHosts).contains(try read(fleet.knownHostsFile).split(separator: "\n")[0].split(separator: " ")[2]))
    }

    // MARK: become, delegation, Ctrl-C

    func testBecomeRunsCommandsAndWritesFilesThroughSudo() throws {
        let fleet = try fleet()
        let r = try play(fleet, "become.yml", root: "become", extra: ["-e", "fleet_dir=\(fleet.directory)"])
        XCTAssertEqual(r.exitCode, 0, r.stdout + r.stderr)
        let nobody = getpwnam("nobody").map { $0.pointee.pw_uid }
        XCTAssertNotNil(nobody)
        for k in hosts {
            XCTAssertTrue(r.stdout.contains(recapLine("h\(k)", ok: 4, changed: 1)), r.stdout)
            let path = fleet.home(k) + "/become-owned"
            XCTAssertEqual(try read(path), "written with become\n")
            XCTAssertEqual(try mode(path), 0o604)
            let owner = try FileManager.default.attributesOfItem(atPath: path)[.ownerAccountID] as? NSNumber
            XCTAssertEqual(owner?.uint32Value, nobody)
        }
    }

    func testDelegateToLocalhostMixesControllerAndHostTasks() throws {
        let fleet = try fleet()
        let local = fleet.directory + "/controller"
        try FileManager.default.createDirectory(atPath: local, withIntermediateDirectories: true)
        let r = try play(fleet, "delegate.yml", root: "delegate", extra: ["-e", "local_dir=\(local)"])
        XCTAssertEqual(r.exitCode, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("changed: [h1 -> localhost]"), r.stdout)
        let controllerHome = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        for k in hosts {
            XCTAssertEqual(try read(fleet.home(k) + "/delegate.remote"), fleet.home(k) + "\n", "h\(k)'s own task ran on h\(k)")
            XCTAssertEqual(try read("\(local)/h\(k).local"), "h\(k) \(controllerHome)\n", "the delegated task ran on the controller")
            XCTAssertEqual(try read("\(local)/copied-h\(k)"), "address \(fleet.address(k))\n")
            XCTAssertFalse(FileManager.default.fileExists(atPath: fleet.home(k) + "/h\(k).local"))
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: local + "/once"))
        XCTAssertEqual(r.stdout.components(separatedBy: "TASK [once, on the controller]").count, 2)
    }

    func testInterruptFinishesRunningCommandsPrintsTheRecapAndClosesMasters() throws {
        let fleet = try fleet()
        let out = Pipe()
        let process = try startInterruptPlay(fleet, root: "interrupt", output: out)
        // Ctrl-C once every host is inside the slow command.
        let deadline = Date().addingTimeInterval(30)
        var text = ""
        while Date() < deadline && !text.contains("TASK [slow]") {
            text += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        while Date() < deadline && !hosts.allSatisfy({ FileManager.default.fileExists(atPath: fleet.home($0) + "/interrupt-slow") }) {
            usleep(20_000)
        }
        XCTAssertEqual(sshMasters(fleet).count, Self.hostCount, "one master per host while the play runs")
        XCTAssertEqual(sshClients(fleet).count - sshMasters(fleet).count, Self.hostCount,
                       "one shell session per host carries the commands")
        kill(process.processIdentifier, SIGINT)
        text += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 99, text)
        XCTAssertTrue(text.contains("PLAY RECAP"), text)
        XCTAssertFalse(text.contains("TASK [never]"), text)
        for k in hosts {
            XCTAssertTrue(FileManager.default.fileExists(atPath: fleet.home(k) + "/interrupt-finished"),
                          "the running command on h\(k) was allowed to finish")
        }
        assertNoMastersLeft(fleet)
    }

    func testASecondInterruptExitsAtOnceAndStillClosesEveryConnection() throws {
        let fleet = try fleet()
        let process = try startInterruptPlay(fleet, root: "twice", output: FileHandle.nullDevice)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && !hosts.allSatisfy({ FileManager.default.fileExists(atPath: fleet.home($0) + "/twice-slow") }) {
            usleep(20_000)
        }
        XCTAssertFalse(sshClients(fleet).isEmpty)
        kill(process.processIdentifier, SIGINT)
        usleep(200_000)
        let second = Date()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 99)
        XCTAssertLessThan(Date().timeIntervalSince(second), 1.5, "the second Ctrl-C does not wait for the running commands")
        assertNoMastersLeft(fleet)
    }

    // MARK: Helpers

    /// Starts `play` on interrupt.yml (a slow command on every host) without waiting for it.
    private func startInterruptPlay(_ fleet: SSHFleet, root: String, output: Any) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PlayProcess.playPath)
        process.arguments = ["-i", fleet.inventoryFile, "-f", "10", "interrupt.yml", "-e", "root=\(root)"]
        process.currentDirectoryURL = fixtures
        process.environment = PlayProcess.environment
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `play` on the fleet from the fixtures directory, then checks that no ssh master
    /// for the fleet's addresses outlived it.
    private func play(_ fleet: SSHFleet, _ playbook: String, root: String, inventory: String? = nil,
                      extra: [String] = [], json: Bool = false, environment: [String: String] = [:],
                      file: StaticString = #filePath, line: UInt = #line) throws -> ProcessResult {
        var arguments = ["-i", inventory ?? fleet.inventoryFile, "-f", "10", playbook, "-e", "root=\(root)"] + extra
        if json { arguments += ["--output", "json"] }
        let result = try PlayProcess.play(arguments, cwd: fixtures, environment: environment)
        assertNoMastersLeft(fleet, file: file, line: line)
        return result
    }

    /// ssh masters (ControlMaster=yes) connected to one of the fleet's addresses.
    private func sshMasters(_ fleet: SSHFleet) -> [Int32] {
        let addresses = Set(hosts.map { fleet.address($0) })
        return ProcessTable.commandLines(named: "ssh").filter { entry in
            guard entry.commandLine.contains("ControlMaster=yes"),
                  let target = entry.commandLine.split(separator: " ").last else { return false }
            return addresses.contains(String(target))
        }.map(\.pid)
    }

    /// Every ssh client process (masters, shell sessions, single commands) for the fleet's addresses.
    private func sshClients(_ fleet: SSHFleet) -> [Int32] {
        let addresses = Set(hosts.map { fleet.address($0) })
        return ProcessTable.commandLines(named: "ssh").filter { entry in
            entry.commandLine.split(separator: " ").contains { addresses.contains(String($0)) }
        }.map(\.pid)
    }

    private func assertNoMastersLeft(_ fleet: SSHFleet, file: StaticString = #filePath, line: UInt = #line) {
        // A master removes its socket just before it exits: allow it that moment.
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline {
            if sshClients(fleet).isEmpty { return }
            usleep(20_000)
        }
        XCTFail("ssh processes outlived play: masters \(sshMasters(fleet)), all \(sshClients(fleet))", file: file, line: line)
    }

    private func recapLine(_ host: String, ok: Int, changed: Int, unreachable: Int = 0, failed: Int = 0,
                           skipped: Int = 0) -> String {
        func cell(_ name: String, _ value: Int) -> String {
            "\(name)=\(value)".padding(toLength: name.count + 1 + 4, withPad: " ", startingAt: 0)
        }
        return host.padding(toLength: 27, withPad: " ", startingAt: 0) + ": " + cell("ok", ok) + " "
            + cell("changed", changed) + " " + cell("unreachable", unreachable) + " " + cell("failed", failed) + " "
            + cell("skipped", skipped)
    }

    private struct HostResultEvent {
        var host: String
        var task: String
        var module: String
        var status: String
    }

    private func events(_ jsonLines: String) throws -> [[String: Any]] {
        try jsonLines.split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], String($0))
        }
    }

    private func hostResults(_ jsonLines: String) throws -> [HostResultEvent] {
        try events(jsonLines).filter { $0["event"] as? String == "host_result" }.map {
            HostResultEvent(host: $0["host"] as? String ?? "", task: $0["task"] as? String ?? "",
                            module: $0["module"] as? String ?? "", status: $0["status"] as? String ?? "")
        }
    }

    private func recapCounts(_ jsonLines: String) throws -> [String: [String: Int]] {
        let recap = try XCTUnwrap(try events(jsonLines).last { $0["event"] as? String == "recap" })
        let rows = try XCTUnwrap(recap["hosts"] as? [String: [String: Any]])
        return rows.mapValues { $0.compactMapValues { ($0 as? NSNumber)?.intValue } }
    }

    private func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try XCTUnwrap(attributes[.posixPermissions] as? NSNumber).intValue & 0o7777
    }

    private func inode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try XCTUnwrap(attributes[.systemFileNumber] as? NSNumber).intValue
    }
}
