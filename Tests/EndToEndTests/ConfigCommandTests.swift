import Foundation
import XCTest

/// ansible.cfg and ANSIBLE_* settings as play reads them, compared with the real ansible-config
/// 2.19 byte for byte (`dump --only-changed`, `view`), and applied to a run.
final class ConfigCommandTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("play-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Both tools in `cwd`, with no ANSIBLE_* of the test run's own and a home without ~/.ansible.cfg.
    func both(_ arguments: [String], cwd: URL, environment: [String: String] = [:]) throws -> (ProcessResult, ProcessResult) {
        let clean = cleanEnvironment(environment)
        let ours = try PlayProcess.runClean(PlayProcess.playPath, ["config"] + arguments, cwd: cwd, environment: clean)
        let theirs = try PlayProcess.runClean(PlayProcess.ansibleTool("ansible-config"), arguments, cwd: cwd, environment: clean)
        return (ours, theirs)
    }

    func cleanEnvironment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ANSIBLE_") && $0.key != "NO_COLOR" }
        env["HOME"] = directory.appendingPathComponent("home").path
        env["PATH"] = "\(NSHomeDirectory())/.pyenv/shims:" + (env["PATH"] ?? "/usr/bin:/bin")
        env["PYENV_ROOT"] = env["PYENV_ROOT"] ?? "\(NSHomeDirectory())/.pyenv"
        for (key, value) in extra where !value.isEmpty { env[key] = value }
        return env
    }

    static let config = """
        # settings play acts on, some it does not, and one nobody knows
        [defaults]
        inventory = hosts.ini, other/hosts
        roles_path = roles:~/shared-roles:/etc/ansible/roles
        remote_user = "deploy"
        private_key_file = keys/id_ed25519
        forks = 7
        host_key_checking = False
        timeout = 25 ; seconds
        gathering = explicit
        callbacks_enabled = timer, profile_tasks
        any_errors_fatal = yes
        retry_files_enabled = true
        log_path = logs/ansible.log
        vault_identity_list = dev@vault/dev-pass,prod@prompt
        no_such_setting = 1

        [privilege_escalation]
        become = True
        become_user = app

        [ssh_connection]
        pipelining = True
        ssh_args = -o ServerAliveInterval=30

        [diff]
        always = true
        """

    func testDumpOnlyChangedAndViewMatchAnsibleConfig() throws {
        try Data(Self.config.utf8).write(to: directory.appendingPathComponent("ansible.cfg"))
        let environments: [[String: String]] = [
            [:],
            ["ANSIBLE_FORKS": "9", "ANSIBLE_REMOTE_USER": "ops", "ANSIBLE_ROLES_PATH": "envroles:/srv/roles", "NO_COLOR": "1"],
        ]
        for (index, environment) in environments.enumerated() {
            // The file's text does not depend on the environment: view is compared once.
            for arguments in index == 0 ? [["dump", "--only-changed"], ["view"]] : [["dump", "--only-changed"]] {
                let (ours, theirs) = try both(arguments, cwd: directory, environment: environment)
                XCTAssertEqual(theirs.exitCode, 0, theirs.stderr)
                XCTAssertEqual(ours.exitCode, 0, ours.stderr)
                XCTAssertEqual(ours.stdout, theirs.stdout, "\(arguments) with \(environment)")
            }
        }
    }

    func testConfigSearchOrderAndTheWorldWritableDirectoryMatchAnsible() throws {
        let home = directory.appendingPathComponent("home")
        let open = directory.appendingPathComponent("open")
        let elsewhere = directory.appendingPathComponent("elsewhere")
        for dir in [home, open, elsewhere] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        chmod(open.path, 0o777)
        try Data("[defaults]\nforks = 3\n".utf8).write(to: open.appendingPathComponent("ansible.cfg"))
        try Data("[defaults]\nforks = 4\n".utf8).write(to: home.appendingPathComponent(".ansible.cfg"))
        try Data("[defaults]\nforks = 6\n".utf8).write(to: elsewhere.appendingPathComponent("ansible.cfg"))
        // The world-writable directory's file is refused with Ansible's warning: ~/.ansible.cfg wins.
        let (ours, theirs) = try both(["dump", "--only-changed"], cwd: open)
        XCTAssertEqual(ours.stdout, theirs.stdout)
        XCTAssertTrue(ours.stdout.contains("DEFAULT_FORKS(\(home.path)/.ansible.cfg) = 4"), ours.stdout)
        XCTAssertTrue(theirs.stderr.contains("world writable directory (\(open.path))"), theirs.stderr)
        XCTAssertEqual(ours.stderr.trimmingCharacters(in: .whitespacesAndNewlines),
                       theirs.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        // ANSIBLE_CONFIG, a directory holding ansible.cfg here, comes first.
        let (fromEnv, fromEnvTheirs) = try both(["dump", "--only-changed"], cwd: open, environment: ["ANSIBLE_CONFIG": elsewhere.path])
        XCTAssertEqual(fromEnv.stdout, fromEnvTheirs.stdout)
        XCTAssertTrue(fromEnv.stdout.contains("DEFAULT_FORKS(\(elsewhere.path)/ansible.cfg) = 6"), fromEnv.stdout)
        // No file at all: view fails as ansible-config's does.
        try FileManager.default.removeItem(at: home.appendingPathComponent(".ansible.cfg"))
        let (view, viewTheirs) = try both(["view"], cwd: elsewhere.deletingLastPathComponent())
        XCTAssertEqual(view.exitCode, viewTheirs.exitCode)
        XCTAssertEqual(view.stderr, "[ERROR]: Invalid or no config file was supplied\n")
    }

    /// The file's settings reach the run (inventory, forks, remote user, gathering, become,
    /// retry files), flags win over them, and -v names the settings play does not act on.
    func testSettingsApplyToARunAndFlagsWin() throws {
        try Data("""
            [defaults]
            inventory = hosts.ini
            forks = 7
            remote_user = deploy
            gathering = explicit
            retry_files_enabled = True
            log_path = /nonexistent/ansible.log
            made_up = 1
            [privilege_escalation]
            become_user = app
            [ssh_connection]
            pipelining = True

            """.utf8).write(to: directory.appendingPathComponent("ansible.cfg"))
        try Data("web1 ansible_connection=local\nweb2 ansible_connection=local\n".utf8)
            .write(to: directory.appendingPathComponent("hosts.ini"))
        try Data("""
            - hosts: all
              tasks:
                - debug:
                    msg: "forks={{ ansible_forks }} user={{ ansible_user | default('none') }} facts={{ ansible_facts | length }} cfg={{ ansible_config_file }}"
                - fail:
                    msg: web2 fails
                  when: inventory_hostname == 'web2'

            """.utf8).write(to: directory.appendingPathComponent("site.yml"))
        let env = cleanEnvironment([:])
        let ours = try PlayProcess.runClean(PlayProcess.playPath, ["site.yml", "-v"], cwd: directory, environment: env)
        let theirs = try PlayProcess.runClean(PlayProcess.ansibleTool("ansible-playbook"), ["site.yml"], cwd: directory, environment: env)
        let cfg = directory.appendingPathComponent("ansible.cfg").path
        for output in [ours.stdout, theirs.stdout] {
            XCTAssertTrue(output.contains("forks=7 user=deploy facts=0 cfg=\(cfg)"), output)
            XCTAssertTrue(output.contains("to retry, use: --limit @\(directory.path)/site.retry"), output)
        }
        XCTAssertEqual(ours.exitCode, theirs.exitCode)
        XCTAssertEqual(try String(contentsOfFile: directory.path + "/site.retry", encoding: .utf8), "web2\n")
        XCTAssertTrue(ours.stdout.contains("Using \(cfg) as config file"), ours.stdout)
        XCTAssertTrue(ours.stderr.contains("Settings play has no use for (they have no effect): [defaults] log_path, [defaults] made_up, [ssh_connection] pipelining"),
                      ours.stderr)
        // Flags and the environment win over the file.
        let flagged = try PlayProcess.runClean(PlayProcess.playPath, ["site.yml", "-f", "2", "-u", "root", "-l", "web1"], cwd: directory,
                                               environment: cleanEnvironment(["ANSIBLE_GATHERING": "implicit"]))
        XCTAssertTrue(flagged.stdout.contains("forks=2 user=root facts="), flagged.stdout)
        XCTAssertFalse(flagged.stdout.contains("facts=0"), flagged.stdout)
        XCTAssertEqual(flagged.exitCode, 0, flagged.stdout + flagged.stderr)
    }

    func testVersionNamesTheCommitTheBuildTheLibrariesAndTheConfiguration() throws {
        try Data("[defaults]\nroles_path = r1:/srv/r2\n".utf8).write(to: directory.appendingPathComponent("ansible.cfg"))
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let head = try PlayProcess.runClean("/usr/bin/git", ["-C", repository.path, "rev-parse", "HEAD"], cwd: directory,
                                            environment: cleanEnvironment([:])).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for tool in ["play", "vault"] {
            let binary = PlayProcess.binDirectory.appendingPathComponent(tool).path
            let result = try PlayProcess.runClean(binary, ["--version"], cwd: directory, environment: cleanEnvironment([:]))
            XCTAssertEqual(result.exitCode, 0, result.stderr)
            let lines = result.stdout.split(separator: "\n").map(String.init)
            XCTAssertTrue(lines.first?.hasPrefix("\(tool) ") == true, result.stdout)
            // The commit the binary was built from: this checkout's HEAD (-dirty while it has edits).
            XCTAssertTrue(lines.contains { $0.hasPrefix("  git commit = \(head)") }, result.stdout + " HEAD " + head)
            XCTAssertTrue(lines.contains { $0.hasPrefix("  build = debug") || $0.hasPrefix("  build = plain release") }, result.stdout)
            XCTAssertTrue(lines.contains { $0.hasPrefix("  swift = Swift version 6.") }, result.stdout)
            XCTAssertTrue(lines.contains { $0.hasPrefix("  libcrypto = OpenSSL 3.") }, result.stdout)
            XCTAssertTrue(lines.contains { $0.hasPrefix("  libcurl = libcurl/") }, result.stdout)
            XCTAssertTrue(lines.contains("  config file = \(directory.path)/ansible.cfg"), result.stdout)
            XCTAssertTrue(lines.contains("  roles path = \(directory.path)/r1:/srv/r2"), result.stdout)
        }
    }
}
