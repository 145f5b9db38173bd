import Foundation
import PlayBase
import XCTest
@testable import PlayInventory

/// Expectations taken from ansible-inventory / ansible --list-hosts on the same sources.
final class InventorySourcesTests: XCTestCase {
    func testFolderReadsEveryInventoryFileInIt() throws {
        let inv = try Inventory.load(sources: [fixture("folder")], playbookDirectory: nil, loader: YAMLLoader())
        // README.md, site.retry and .hidden are skipped; sub/03-more is read; group_vars/ applies.
        XCTAssertEqual(inv.hostNames, ["web1", "web2", "i-0001", "extra1"])
        XCTAssertEqual(inv.groupMembership()["cloud"], ["i-0001", "web2"])
        XCTAssertEqual(inv.plainVariables(for: "web2"), ["from": "ini", "folder_var": 1, "cloud_id": "i-0002"])
        XCTAssertEqual(inv.plainVariables(for: "extra1"), ["folder_var": 1])
        XCTAssertEqual(inv.variables(for: "extra1")["inventory_file"], .string(fixture("folder/sub/03-more")))
        XCTAssertEqual(inv.variables(for: "i-0001")["inventory_dir"], .string(fixture("folder")))
    }

    func testSeveralSourcesMerge() throws {
        let inv = try Inventory.load(sources: [fixture("multi/a.ini"), fixture("multi/b.yml")], playbookDirectory: nil, loader: YAMLLoader())
        XCTAssertEqual(inv.hostNames, ["web1", "web2", "web3"])
        XCTAssertEqual(inv.groups(of: "web1"), ["db", "web"])
        XCTAssertEqual(inv.plainVariables(for: "web1"), ["who": "b", "source": "a"])
        XCTAssertEqual(inv.plainVariables(for: "web2"), ["who": "b", "source": "b"])
        // The file that first named a host is its inventory_file.
        XCTAssertEqual(inv.variables(for: "web2")["inventory_file"], .string(fixture("multi/a.ini")))
        XCTAssertEqual(inv.variables(for: "web3")["inventory_file"], .string(fixture("multi/b.yml")))
    }

    func testCommaSeparatedHostList() throws {
        let inv = try Inventory.load(sources: ["web1,web2:2222,[::1]:22, 127.0.0.9 ,web[1:2]"], playbookDirectory: nil, loader: YAMLLoader())
        XCTAssertEqual(inv.hostNames, ["web1", "web2", "::1", "127.0.0.9", "web[1:2]"])
        XCTAssertEqual(inv.groupMembership()["ungrouped"], inv.hostNames)
        XCTAssertEqual(inv.plainVariables(for: "web2"), ["ansible_port": 2222])
        XCTAssertEqual(inv.plainVariables(for: "::1"), ["ansible_port": 22])
        XCTAssertEqual(inv.variables(for: "web1")["inventory_dir"], "None")
    }

    func testLocalhostComma() throws {
        let inv = try Inventory.load(sources: ["localhost,"], playbookDirectory: nil, loader: YAMLLoader())
        XCTAssertEqual(inv.hostNames, ["localhost"])
        XCTAssertTrue(inv.contains(host: "localhost"))
        // An explicit localhost has no implicit connection setting.
        XCTAssertNil(inv.variables(for: "localhost")["ansible_connection"])
    }

    func testMissingSourceIsADiagnostic() {
        let d = diagnostic { _ = try Inventory.load(sources: ["/nonexistent/inventory.ini"], playbookDirectory: nil, loader: YAMLLoader()) }
        XCTAssertEqual(d?.message, "inventory source '/nonexistent/inventory.ini' does not exist")
        XCTAssertFalse(d?.notes.isEmpty ?? true)
    }

    func testRelativeSourcesResolveFromTheWorkingDirectory() throws {
        let scratch = try ScratchFolder()
        try scratch.write("inv/hosts", "[g]\nh1\n")
        try scratch.write("inv/group_vars/g.yml", "v: 1\n")
        let saved = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(scratch.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(saved) }
        let inv = try Inventory.load(sources: ["./inv/../inv/hosts"], playbookDirectory: nil, loader: YAMLLoader())
        XCTAssertEqual(inv.plainVariables(for: "h1"), ["v": 1])
        XCTAssertEqual(inv.variables(for: "h1")["inventory_file"], .string(URL(fileURLWithPath: scratch.path + "/inv/hosts").standardized.path))
    }

    func testExtensionlessINIFallsBackFromYAML() throws {
        let inv = try inventory("web1 a=1\nweb2\n", named: "hosts")
        XCTAssertEqual(inv.hostNames, ["web1", "web2"])
        XCTAssertEqual(inv.groupMembership()["ungrouped"], ["web1", "web2"])
    }

    func testInventoryScriptsAndTOMLAreRefused() throws {
        let scratch = try ScratchFolder()
        let script = try scratch.write("ec2.py", "#!/usr/bin/env python3\nprint('{}')\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let d = diagnostic { _ = try Inventory.load(sources: [script], playbookDirectory: nil, loader: YAMLLoader()) }
        XCTAssertEqual(d?.message, "'\(script)' is an inventory script; play reads INI and YAML inventories only")
        let toml = try scratch.write("hosts.toml", "[web.hosts]\n")
        XCTAssertEqual(diagnostic { _ = try Inventory.load(sources: [toml], playbookDirectory: nil, loader: YAMLLoader()) }?.message,
                       "TOML inventories are not supported")
    }

    func testNoSourcesAndEmpty() throws {
        for inv in [try Inventory.load(sources: [], playbookDirectory: nil, loader: YAMLLoader()), Inventory.empty()] {
            XCTAssertEqual(inv.hostNames, [])
            XCTAssertEqual(inv.groupNames, ["all", "ungrouped"])
            XCTAssertEqual(try inv.hosts(matching: "all"), [])
            XCTAssertEqual(try inv.hosts(matching: "localhost"), ["localhost"])
            XCTAssertEqual(inv.variables(for: "localhost"), ["ansible_connection": "local"])
            XCTAssertEqual(inv.groupMembership(), ["all": [], "ungrouped": []])
        }
    }

    func testHostAndGroupWithTheSameNameWarns() throws {
        let inv = try inventory("[web]\nweb\n")
        XCTAssertEqual(inv.warnings.map(\.message), ["Found both group and host with same name: web"])
        XCTAssertEqual(try inv.hosts(matching: "web"), ["web"])
    }
}
