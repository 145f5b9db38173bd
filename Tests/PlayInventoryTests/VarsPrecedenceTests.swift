import Foundation
import OrderedCollections
import PlayBase
import XCTest
@testable import PlayInventory

/// Expectations taken from `ansible-inventory --list [--playbook-dir]` on Fixtures/vars and
/// Fixtures/priority (ansible-core 2.19).
final class VarsPrecedenceTests: XCTestCase {
    func testGroupVarsAndHostVarsBesideTheInventory() throws {
        let inv = try Inventory.load(sources: [fixture("vars/inventory/hosts")], playbookDirectory: nil, loader: YAMLLoader())
        XCTAssertEqual(sorted(inv.plainVariables(for: "web1")), [
            "from_all_file": true, "inline": "host_vars", "layer": "host_vars-web1", "only_all": "group_vars-all",
            "prod_file": 1, "source": "group_vars-web", "web_file": true,
        ])
        XCTAssertEqual(sorted(inv.plainVariables(for: "web2")), [
            "from_all_file": true, "layer": "group_vars-web", "only_all": "group_vars-all",
            "prod_file": 1, "source": "group_vars-web", "web_file": true,
        ])
        // group_vars/db/ is a folder: 01-main.yml then 02-extra.json; notes.txt and main.yml~ are skipped.
        XCTAssertEqual(sorted(inv.plainVariables(for: "db1")), [
            "db_port": 6432, "from_all_file": true, "layer": "host_vars-db1", "only_all": "group_vars-all",
            "prod_file": 1, "replicas": 2,
        ])
    }

    func testPlaybookSideVarsWinOverInventorySide() throws {
        let inv = try Inventory.load(sources: [fixture("vars/inventory/hosts")],
                                     playbookDirectory: fixture("vars/playbook"), loader: YAMLLoader())
        let web1 = inv.plainVariables(for: "web1")
        XCTAssertEqual(web1["inline"], "playbook-host")
        XCTAssertEqual(web1["layer"], "host_vars-web1")
        XCTAssertEqual(web1["source"], "playbook-web")
        XCTAssertEqual(web1["playbook_all"], true)
        XCTAssertEqual(inv.plainVariables(for: "web2")["layer"], "playbook-web")
        XCTAssertEqual(inv.plainVariables(for: "db1")["layer"], "host_vars-db1")
    }

    func testDepthThenPriorityThenName() throws {
        let inv = try Inventory.load(sources: [fixture("priority/hosts.yml")], playbookDirectory: nil, loader: YAMLLoader())
        XCTAssertEqual(inv.plainVariables(for: "h1"), ["v": "alpha"])
        XCTAssertEqual(inv.plainVariables(for: "h2"), ["v": "alpha"])
        XCTAssertEqual(inv.plainVariables(for: "h3"), ["v": "deeper"])
        // The priority is not a variable.
        XCTAssertNil(inv.variables(for: "h1")["ansible_group_priority"])
    }

    func testSiblingGroupsMergeByName() throws {
        let inv = try inventory("""
            [b]
            h
            [a]
            h
            [a:vars]
            v=a
            [b:vars]
            v=b
            """)
        XCTAssertEqual(inv.plainVariables(for: "h")["v"], "b")
    }

    func testImplicitLocalhostGetsAllVarsAndItsHostVars() throws {
        let scratch = try ScratchFolder()
        let hosts = try scratch.write("hosts", "[web]\nw1\n[all:vars]\nx=1\nansible_connection=ssh\n")
        try scratch.write("group_vars/all.yml", "y: 2\n")
        try scratch.write("group_vars/web.yml", "z: 3\n")
        try scratch.write("host_vars/localhost.yml", "w: 4\n")
        let inv = try Inventory.load(sources: [hosts], playbookDirectory: nil, loader: YAMLLoader())
        XCTAssertEqual(inv.variables(for: "localhost"), ["x": 1, "ansible_connection": "local", "y": 2, "w": 4])
        XCTAssertEqual(inv.groups(of: "localhost"), [])
        XCTAssertEqual(inv.variables(for: "stranger"), [:])
    }

    func testVarsFileThatIsNotAMappingIsAnError() throws {
        let scratch = try ScratchFolder()
        let hosts = try scratch.write("hosts", "[web]\nw1\n")
        let bad = try scratch.write("group_vars/web.yml", "- a\n- b\n")
        let d = diagnostic { _ = try Inventory.load(sources: [hosts], playbookDirectory: nil, loader: YAMLLoader()) }
        XCTAssertEqual(d?.message, "\(bad) must hold a mapping of variables, got a list")
    }

    func testVarsFileYAMLErrorsPointAtTheLine() throws {
        let scratch = try ScratchFolder()
        let hosts = try scratch.write("hosts", "[web]\nw1\n")
        let bad = try scratch.write("host_vars/w1", "a: 1\nb: [\n")
        let d = diagnostic { _ = try Inventory.load(sources: [hosts], playbookDirectory: nil, loader: YAMLLoader()) }
        XCTAssertEqual(d?.location?.file, bad)
        XCTAssertEqual(d?.location?.line, 3)
    }

    func testVaultEncryptedGroupVarsDecryptThroughTheLoader() throws {
        guard let vault = AnsibleTools.path(of: "ansible-vault") else {
            return XCTFail(AnsibleTools.missingMessage("ansible-vault"))
        }
        let scratch = try ScratchFolder()
        let hosts = try scratch.write("hosts", "[web]\nw1\n")
        let password = try scratch.write("pass.txt", "correct horse\n")
        let secret = try scratch.write("group_vars/web.yml", "db_password: s3cret\n")
        let result = try AnsibleTools.run(vault, ["encrypt", "--vault-password-file", password, secret])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(try String(contentsOfFile: secret, encoding: .utf8).hasPrefix("$ANSIBLE_VAULT;1.1;AES256"))

        let locked = diagnostic { _ = try Inventory.load(sources: [hosts], playbookDirectory: nil, loader: YAMLLoader()) }
        XCTAssertEqual(locked?.message, "Attempting to decrypt but no vault secrets found")

        let loader = YAMLLoader(secrets: AnsibleVaultCLI(executable: vault, passwordFile: password))
        let inv = try Inventory.load(sources: [hosts], playbookDirectory: nil, loader: loader)
        XCTAssertEqual(inv.variables(for: "w1")["db_password"], "s3cret")
    }

    private func sorted(_ vars: OrderedDictionary<String, Value>) -> OrderedDictionary<String, Value> {
        var copy = vars
        copy.sort { $0.key < $1.key }
        return copy
    }
}

/// Decrypts vault envelopes with the real `ansible-vault` (so these tests need no PlayVault).
struct AnsibleVaultCLI: VaultSecretResolver {
    let executable: String
    let passwordFile: String

    func decrypt(_ envelope: String, source: SourceLocation) throws -> String {
        let result = try AnsibleTools.run(executable, ["decrypt", "--vault-password-file", passwordFile, "--output", "-", "-"], input: envelope)
        guard result.status == 0 else { throw Diagnostic.error(at: source, "ansible-vault could not decrypt the vault") }
        return result.stdout
    }
}
