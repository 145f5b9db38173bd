import Foundation
import PlayBase
import PlayTestSupport
import XCTest

/// The built `play` against real sshd hosts, watched from outside: no secret in any process's
/// argument list on the controller or the targets (with large inputs and with the persistent
/// shell off), none in `-vvvv` or JSON output; a host whose sshd freezes mid-task becomes
/// UNREACHABLE in bounded time while the others finish.
final class DeploySafetyTests: XCTestCase {
    private static let fleets = FleetRegistry()

    override class func setUp() {
        super.setUp()
        fleets.start(String(describing: self), hosts: 3)
    }

    override class func tearDown() {
        fleets.stop(String(describing: self))
        super.tearDown()
    }

    private func fleet() throws -> SSHFleet {
        try Self.fleets.fleet(for: String(describing: Self.self))
    }

    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("play-deploy-safety-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// The fleet's inventory with host 2 on one `ssh` per command (no persistent shell).
    private func inventory(_ fleet: SSHFleet, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("inventory").path
        let text = try String(contentsOfFile: fleet.inventoryFile, encoding: .utf8)
            .replacingOccurrences(of: "h2 ansible_host=", with: "h2 play_ssh_persistent_shell=no ansible_host=")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    // MARK: Secrets

    func testNoSecretInAnyArgumentListOrInVerboseAndJSONOutput() throws {
        let fleet = try fleet()
        let dir = try scratch()
        let secret = "Tok3n-\(UUID().uuidString.prefix(13))"
        let port = 20_000 + Int(getpid() % 20_000)
        // A build larger than the persistent shell's inline limit (256 KiB).
        let build = dir.appendingPathComponent("build/safeapp")
        try FileManager.default.createDirectory(at: build, withIntermediateDirectories: true)
        try Data((0..<400_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
            .write(to: build.appendingPathComponent("blob"))
        let artifact = dir.appendingPathComponent("safeapp-1.tar").path
        let (tarStatus, tarOutput) = SSHFleet.run(["tar", "-cf", artifact, "-C", dir.appendingPathComponent("build").path, "safeapp"])
        XCTAssertEqual(tarStatus, 0, tarOutput)
        try """
            - name: a deploy with a secret environment and large inputs
              hosts: fleet
              gather_facts: false
              vars:
                token: "\(secret)"
              tasks:
                - name: start the app with the secret in app.env
                  ssh_start:
                    artifact: "\(artifact)"
                    app: safeapp
                    version: "1"
                    port: \(port)
                    command: "python3 -m http.server --bind {{ ansible_host }} \(port)"
                    env: {APP_TOKEN: "{{ token }}"}
                    start_timeout: 30
                - name: the secret in a task environment, with an input over 256 KiB
                  shell: 'cat > /dev/null; sleep 0.4; printf %s "$TOKEN" > token-large.txt'
                  args: {stdin: "{{ 'x' * 300000 }}"}
                  environment: {TOKEN: "{{ token }}"}
                - name: the secret in a task environment, with a small input
                  shell: 'sleep 0.4; printf %s "$TOKEN" > token-small.txt'
                  environment: {TOKEN: "{{ token }}"}

            """.write(to: dir.appendingPathComponent("deploy.yml"), atomically: true, encoding: .utf8)
        let inventory = try inventory(fleet, in: dir)
        addTeardownBlock {
            for k in 1...3 {
                guard let text = try? String(contentsOfFile: fleet.home(k) + "/apps/safeapp/app.pid", encoding: .utf8),
                      let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { continue }
                kill(pid, SIGKILL)
            }
        }

        let sampler = ArgumentSampler(secret: secret, watch: "token-small.txt")
        sampler.start()
        let verbose = try PlayProcess.play(["-i", inventory, "deploy.yml", "-vvvv"], cwd: dir)
        let json = try PlayProcess.play(["-i", inventory, "deploy.yml", "--output", "json"], cwd: dir)
        let sampled = sampler.stop()

        XCTAssertEqual(verbose.exitCode, 0, verbose.stdout + verbose.stderr)
        XCTAssertEqual(json.exitCode, 0, json.stdout + json.stderr)
        XCTAssertEqual(sampled.leaks, [], "the secret was in these argument lists")
        // The sampler did see the commands while they ran (the check is not vacuous).
        XCTAssertGreaterThan(sampled.watchedSeen, 0)
        XCTAssertGreaterThan(sampled.samples, 20)
        for (name, text) in [("-vvvv", verbose.stdout + verbose.stderr), ("json", json.stdout + json.stderr)] {
            XCTAssertFalse(text.contains(secret), "\(name) output holds the secret:\n\(text)")
        }
        for k in 1...3 {
            XCTAssertEqual(try String(contentsOfFile: fleet.home(k) + "/token-large.txt", encoding: .utf8), secret)
            XCTAssertEqual(try String(contentsOfFile: fleet.home(k) + "/token-small.txt", encoding: .utf8), secret)
            let env = fleet.home(k) + "/apps/safeapp/1/app.env"
            XCTAssertTrue(try String(contentsOfFile: env, encoding: .utf8).contains("APP_TOKEN=\(secret)"))
            let mode = try FileManager.default.attributesOfItem(atPath: env)[.posixPermissions] as? Int
            XCTAssertEqual(mode, 0o600)
        }
    }

    // MARK: A frozen host

    func testAHostWhoseSSHDFreezesMidTaskBecomesUnreachableAndTheOthersFinish() throws {
        let fleet = try fleet()
        let dir = try scratch()
        try """
            - name: a long task, then one more
              hosts: fleet
              gather_facts: false
              tasks:
                - name: long
                  shell: 'touch frozen-started; sleep 3'
                - name: after
                  shell: 'touch frozen-after'

            """.write(to: dir.appendingPathComponent("frozen.yml"), atomically: true, encoding: .utf8)
        for k in 1...3 {
            for name in ["frozen-started", "frozen-after"] { try? FileManager.default.removeItem(atPath: fleet.home(k) + "/" + name) }
        }
        let log = dir.appendingPathComponent("output").path
        // Keepalives of one second, two missed: the master gives up about 2 s after the freeze.
        let spawned = Subprocess.spawn(
            [PlayProcess.playPath, "-i", fleet.inventoryFile, "frozen.yml",
             "-e", #"{"ansible_ssh_extra_args": "-o ServerAliveInterval=1 -o ServerAliveCountMax=2"}"#],
            environment: PlayProcess.environment, stdin: .null, stdout: .file(log), stderr: .stdout,
            directory: dir.path, processGroup: true)
        guard case .success(let pid) = spawned else { return XCTFail("\(spawned)") }
        var thawed = false
        defer {
            if !thawed { try? fleet.thawHost(2) }
        }
        let started = fleet.home(2) + "/frozen-started"
        let startDeadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: started) && Date() < startDeadline { usleep(20_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: started), "the long task never started on h2")
        try fleet.freezeHost(2)

        // Bounded: without keepalives the run would wait for h2 for as long as TCP allows (hours).
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(60)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(-pid, SIGKILL)
                _ = Subprocess.wait(pid)
                break
            }
            usleep(50_000)
        }
        try fleet.thawHost(2)
        thawed = true
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        XCTAssertEqual(Subprocess.termination(status), .exited(4), output)
        XCTAssertTrue(output.contains("UNREACHABLE"), output)
        XCTAssertTrue(output.range(of: #"h1\s+: ok=2 "#, options: .regularExpression) != nil, output)
        XCTAssertTrue(output.range(of: #"h3\s+: ok=2 "#, options: .regularExpression) != nil, output)
        XCTAssertTrue(output.range(of: #"h2\s+: ok=0 .*unreachable=1"#, options: .regularExpression) != nil, output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: fleet.home(1) + "/frozen-after"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: fleet.home(3) + "/frozen-after"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: fleet.home(2) + "/frozen-after"))
    }
}

extension DeploySafetyTests {
    /// inventory/aws's SSH settings pin an instance's key under its id: a new instance on the
    /// address of a terminated one (whose key is still in known_hosts) connects, where pinning
    /// by address would fail with "host key changed".
    func testEC2HostKeysArePinnedByInstanceIDNotByAReusedAddress() throws {
        let fleet = try fleet()
        let dir = try scratch()
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let knownHosts = dir.appendingPathComponent("known_hosts").path
        // The terminated instance's key, recorded under the address the new one now has.
        let oldKey = dir.appendingPathComponent("old_key").path
        let (keygen, keygenOutput) = SSHFleet.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", oldKey])
        XCTAssertEqual(keygen, 0, keygenOutput)
        let publicKey = try String(contentsOfFile: oldKey + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        try "[\(fleet.address(1))]:\(fleet.port) \(publicKey)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
        // The repository's inventory settings, with known_hosts in the scratch directory.
        let groupVars = dir.appendingPathComponent("inventory/group_vars/all")
        try FileManager.default.createDirectory(at: groupVars, withIntermediateDirectories: true)
        let settings = try String(contentsOf: repository.appendingPathComponent("inventory/aws/group_vars/all/main.yml"), encoding: .utf8)
        XCTAssertTrue(settings.contains("~/.ssh/known_hosts_th3"))
        try settings.replacingOccurrences(of: "~/.ssh/known_hosts_th3", with: knownHosts)
            .write(to: groupVars.appendingPathComponent("main.yml"), atomically: true, encoding: .utf8)
        try "[deploy_new]\ni-0new1234 ansible_host=\(fleet.address(1))\n"
            .write(to: dir.appendingPathComponent("inventory/hosts"), atomically: true, encoding: .utf8)
        try """
            - hosts: deploy_new
              gather_facts: false
              tasks:
                - command: "true"

            """.write(to: dir.appendingPathComponent("reach.yml"), atomically: true, encoding: .utf8)
        let r = try PlayProcess.play([
            "-i", dir.appendingPathComponent("inventory/hosts").path, "reach.yml",
            "-e", "ansible_port=\(fleet.port)", "-e", "ansible_user=\(fleet.user)",
            "-e", "ansible_ssh_private_key_file=\(fleet.privateKeyFile)",
        ], cwd: dir)
        XCTAssertEqual(r.exitCode, 0, r.stdout + r.stderr)
        // The new key went in under the instance id (hashed or not, as ssh_config says).
        let (found, lookup) = SSHFleet.run(["ssh-keygen", "-F", "i-0new1234", "-f", knownHosts])
        let recorded = try String(contentsOfFile: knownHosts, encoding: .utf8)
        XCTAssertEqual(found, 0, lookup + recorded)
    }
}

/// Reads every process's argument list on this machine (the controller and the loopback
/// targets alike) over and over on its own thread, and keeps the ones holding the secret.
private final class ArgumentSampler: @unchecked Sendable {
    struct Summary: Sendable {
        var leaks: [String]
        var samples: Int
        var watchedSeen: Int
    }

    private let secret: String
    private let watch: String
    private let lock = NSLock()
    private var running = true
    private var summary = Summary(leaks: [], samples: 0, watchedSeen: 0)
    private let done = DispatchSemaphore(value: 0)

    init(secret: String, watch: String) {
        self.secret = secret
        self.watch = watch
    }

    func start() {
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                let lines = ProcessTable.allCommandLines()
                lock.withLock {
                    summary.samples += 1
                    for line in lines.values {
                        if line.contains(secret) && !summary.leaks.contains(line) { summary.leaks.append(line) }
                        if line.contains(watch) { summary.watchedSeen += 1 }
                    }
                }
            }
            done.signal()
        }
        thread.start()
    }

    func stop() -> Summary {
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { summary }
    }
}
