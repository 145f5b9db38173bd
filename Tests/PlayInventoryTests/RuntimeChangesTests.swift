import OrderedCollections
import PlayBase
import XCTest
@testable import PlayInventory

/// Expectations taken from an ansible-playbook run doing the same add_host and group_by
/// steps and printing `groups` and `group_names` (ansible-core 2.19).
final class RuntimeChangesTests: XCTestCase {
    func testAddHostAndGroupByLikeAnsible() throws {
        var inv = try inventory("[web]\nw1\n[db]\nd1\n")
        inv.addHost("n1", groups: ["newg", "web"], variables: ["foo": 1])
        inv.addHost("n0", groups: [], variables: [:])
        XCTAssertEqual(inv.groupMembership()["ungrouped"], ["n0"])
        for host in try inv.hosts(matching: "all") {
            inv.addGroup("gb_\(host)", parents: ["pp"], variables: [:])
            inv.addHost(host, groups: ["gb_\(host)"], variables: [:])
        }
        XCTAssertEqual(inv.groupMembership(), [
            "all": ["n1", "n0", "w1", "d1"], "ungrouped": [], "web": ["w1", "n1"], "db": ["d1"], "newg": ["n1"],
            "gb_n1": ["n1"], "pp": ["n1", "n0", "w1", "d1"], "gb_n0": ["n0"], "gb_w1": ["w1"], "gb_d1": ["d1"],
        ])
        XCTAssertEqual(inv.groups(of: "n1"), ["gb_n1", "newg", "pp", "web"])
        XCTAssertEqual(inv.hostNames, ["n1", "n0", "w1", "d1"])
        XCTAssertEqual(inv.variables(for: "n1"), ["inventory_file": nil, "inventory_dir": nil, "foo": 1])
    }

    func testAddHostMergesVariablesIntoAnExistingHost() throws {
        var inv = try inventory("[web]\nw1 a=1 b=2\n")
        inv.addHost("w1", groups: ["extra"], variables: ["b": 3, "c": 4])
        XCTAssertEqual(inv.plainVariables(for: "w1"), ["a": 1, "b": 3, "c": 4])
        XCTAssertEqual(inv.groups(of: "w1"), ["extra", "web"])
        XCTAssertEqual(inv.hostNames, ["w1"])
    }

    func testRuntimeHostsPickUpHostVarsAndGroupVars() throws {
        let scratch = try ScratchFolder()
        let hosts = try scratch.write("hosts", "[web]\nw1\n")
        try scratch.write("host_vars/i-123.yml", "from_file: host\n")
        try scratch.write("group_vars/launched.yml", "from_file: group\ngroup_only: true\n")
        var inv = try Inventory.load(sources: [hosts], playbookDirectory: nil, loader: YAMLLoader())
        inv.addHost("i-123", groups: ["launched"], variables: ["ansible_host": "127.0.2.9"])
        XCTAssertEqual(inv.variables(for: "i-123"), [
            "from_file": "host", "group_only": true, "inventory_file": nil, "inventory_dir": nil, "ansible_host": "127.0.2.9",
        ])
        XCTAssertEqual(try inv.hosts(matching: "launched"), ["i-123"])
    }

    func testAddGroupWithParentsAndVariables() throws {
        var inv = try inventory("[web]\nw1\n")
        inv.addGroup("blue", parents: ["colours"], variables: ["tint": "blue", "ansible_group_priority": 5])
        inv.addHost("w1", groups: ["blue"], variables: [:])
        XCTAssertEqual(inv.groups(of: "w1"), ["blue", "colours", "web"])
        XCTAssertEqual(inv.plainVariables(for: "w1")["tint"], "blue")
        XCTAssertEqual(try inv.hosts(matching: "colours"), ["w1"])
        XCTAssertTrue(inv.warnings.isEmpty)

        inv.addGroup("colours", parents: ["blue"], variables: [:])
        XCTAssertEqual(inv.warnings.map(\.message), ["Adding group 'colours' as child to 'blue' creates a recursive dependency loop."])
    }

    func testImplicitLocalhostIsNotInAll() throws {
        let inv = try inventory("[web]\nw1\n")
        XCTAssertEqual(try inv.hosts(matching: "localhost"), ["localhost"])
        XCTAssertEqual(try inv.hosts(matching: "127.0.0.1"), ["127.0.0.1"])
        XCTAssertEqual(try inv.hosts(matching: "all:localhost"), ["w1", "localhost"])
        XCTAssertEqual(try inv.hosts(matching: "localhost:127.0.0.1"), ["localhost"])
        XCTAssertEqual(try inv.hosts(matching: "all"), ["w1"])
        XCTAssertEqual(try inv.hosts(matching: "local*"), [])
        XCTAssertFalse(inv.hostNames.contains("localhost"))
        XCTAssertFalse(inv.contains(host: "localhost"))
        XCTAssertEqual(inv.variables(for: "localhost"), ["ansible_connection": "local"])
    }
}
