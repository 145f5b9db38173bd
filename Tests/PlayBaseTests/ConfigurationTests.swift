import Foundation
import PlayBase
import XCTest

/// ansible.cfg reading and Ansible's precedence, without processes: the search, the ini rules
/// configparser has, typed values with their origins, errors at their place.
final class ConfigurationTests: XCTestCase {
    var root: String!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("play-configuration-\(UUID().uuidString)").path
        for dir in ["home", "project", "open"] {
            try FileManager.default.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true)
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/" + path))
    }

    func load(_ environment: [String: String] = [:], in directory: String = "project") throws -> Configuration {
        try Configuration.load(environment: environment, currentDirectory: root + "/" + directory, home: root + "/home")
    }

    func testIniRulesAsConfigparserReadsThem() throws {
        try write("project/ansible.cfg", """
            ; a comment
            [defaults]
            FORKS = 8 ; inline comment after a space
            remote_user: 'deploy'
            inventory = a;b
            ssh_args_not_here = x
            vault_identity_list = one@a,
              two@b
            [ssh_connection]
            ssh_args = -o A=1 %% -o B=2
            """)
        let config = try load()
        XCTAssertEqual(config.int("DEFAULT_FORKS"), 8)
        XCTAssertEqual(config.string("DEFAULT_REMOTE_USER"), "deploy")
        XCTAssertEqual(config.strings("DEFAULT_HOST_LIST"), [root + "/project/a;b"], "a ; without a space before it is text")
        XCTAssertEqual(config.strings("DEFAULT_VAULT_IDENTITY_LIST"), ["one@a", "two@b"],
                       "a continuation line joins the value above with a newline")
        XCTAssertEqual(config.string("ssh.ssh_args"), "-o A=1 % -o B=2")
        XCTAssertEqual(config["DEFAULT_FORKS"].origin, .file(root + "/project/ansible.cfg"))
    }

    func testPrecedenceIsEnvironmentThenFileThenDefault() throws {
        try write("project/ansible.cfg", "[defaults]\nforks = 8\nroles_path = r:~/x\n")
        let config = try load(["ANSIBLE_FORKS": "11"])
        XCTAssertEqual(config.int("DEFAULT_FORKS"), 11)
        XCTAssertEqual(config["DEFAULT_FORKS"].origin, .environment("ANSIBLE_FORKS"))
        XCTAssertEqual(config.strings("DEFAULT_ROLES_PATH"), [root + "/project/r", root + "/home/x"])
        XCTAssertEqual(config.int("DEFAULT_TIMEOUT"), 10)
        XCTAssertFalse(config.isSet("DEFAULT_TIMEOUT"))
        XCTAssertEqual(config.strings("COLLECTIONS_PATHS"), [root + "/home/.ansible/collections", "/usr/share/ansible/collections"])
        // A host-key setting from either section or variable reaches the ssh option; the last present wins.
        XCTAssertTrue(config.bool("ssh.host_key_checking"))
        XCTAssertFalse(try load(["ANSIBLE_SSH_HOST_KEY_CHECKING": "no"]).bool("ssh.host_key_checking"))
    }

    func testSearchOrderAndTheWorldWritableDirectory() throws {
        try write("home/.ansible.cfg", "[defaults]\nforks = 4\n")
        try write("open/ansible.cfg", "[defaults]\nforks = 3\n")
        chmod(root + "/open", 0o777)
        let skipped = try load(in: "open")
        XCTAssertEqual(skipped.file, root + "/home/.ansible.cfg")
        XCTAssertEqual(skipped.warnings.count, 1)
        XCTAssertTrue(skipped.warnings[0].hasPrefix("Ansible is being run in a world writable directory (\(root!)/open)"))
        // ANSIBLE_CONFIG naming the skipped file uses it, without the warning.
        let named = try load(["ANSIBLE_CONFIG": root + "/open/ansible.cfg"], in: "open")
        XCTAssertEqual(named.int("DEFAULT_FORKS"), 3)
        XCTAssertEqual(named.warnings, [])
    }

    func testErrorsSayWhereAndWhat() throws {
        try write("project/ansible.cfg", "[defaults]\nforks = many\n")
        XCTAssertThrowsError(try load()) { error in
            let d = error as? Diagnostic
            XCTAssertEqual(d?.location?.line, 2)
            XCTAssertTrue(d?.message.contains("DEFAULT_FORKS") == true, "\(error)")
        }
        try write("project/ansible.cfg", "[defaults]\nforks = 1\n")
        XCTAssertThrowsError(try load(["ANSIBLE_FORKS": "x"])) { error in
            XCTAssertEqual((error as? Diagnostic)?.location?.file, "environment variable ANSIBLE_FORKS")
        }
        try write("project/ansible.cfg", "[defaults]\nforks = 1\nforks = 2\n")
        XCTAssertThrowsError(try load()) { XCTAssertEqual(($0 as? Diagnostic)?.location?.line, 3) }
        try write("project/ansible.cfg", "forks = 1\n")
        XCTAssertThrowsError(try load()) { XCTAssertEqual(($0 as? Diagnostic)?.location?.line, 1) }
        try write("project/settings.txt", "[defaults]\n")
        XCTAssertThrowsError(try load(["ANSIBLE_CONFIG": root + "/project/settings.txt"])) {
            XCTAssertTrue("\($0)".contains("Unsupported configuration file extension"), "\($0)")
        }
    }

    func testSettingsPlayHasNoUseForAreNamedOnce() throws {
        try write("project/ansible.cfg", "[defaults]\nforks = 2\nlog_path = /x\nmade_up = 1\n[ssh_connection]\npipelining = True\n")
        let config = try load(["ANSIBLE_STRATEGY": "free", "ANSIBLE_FORKS": "3"])
        XCTAssertEqual(config.unusedSettings, ["ANSIBLE_STRATEGY", "[defaults] log_path", "[defaults] made_up", "[ssh_connection] pipelining"])
    }

    func testDumpAndView() throws {
        try write("project/ansible.cfg", "[defaults]\nforks = 2\nbecome_user = x\n[privilege_escalation]\nbecome = yes")
        let config = try load(["ANSIBLE_CALLBACKS_ENABLED": "timer"])
        let file = root + "/project/ansible.cfg"
        XCTAssertEqual(config.dump(onlyChanged: true), """
            CALLBACKS_ENABLED(env: ANSIBLE_CALLBACKS_ENABLED) = ['timer']
            CONFIG_FILE() = \(file)
            DEFAULT_BECOME(\(file)) = True
            DEFAULT_FORKS(\(file)) = 2

            GALAXY_SERVERS:

            """)
        XCTAssertEqual(config.view(), "[defaults]\nforks = 2\nbecome_user = x\n[privilege_escalation]\nbecome = yes\n")
        XCTAssertNil(try load(in: "home").view())
    }
}
