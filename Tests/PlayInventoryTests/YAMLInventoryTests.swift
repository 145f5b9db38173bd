import OrderedCollections
import PlayBase
import XCTest
@testable import PlayInventory

/// Expectations taken from `ansible-inventory -i Fixtures/yaml/inventory.yml --list` (ansible-core 2.19).
final class YAMLInventoryTests: XCTestCase {
    func testHostsGroupsAndVariables() throws {
        let inv = try Inventory.load(sources: [fixture("yaml/inventory.yml")], playbookDirectory: nil, loader: YAMLLoader())
        XCTAssertEqual(inv.hostNames, ["bastion", "loose", "web1", "web2", "web3", "www.example.com", "db1", "stage1", "replica-a", "replica-b"])
        let groups = inv.groupMembership()
        XCTAssertEqual(groups["ungrouped"], ["bastion", "loose"])
        XCTAssertEqual(groups["db"], ["db1", "replica-a", "replica-b"])
        XCTAssertEqual(groups["staging"], ["web1", "stage1"])
        XCTAssertEqual(inv.groups(of: "web1"), ["prod", "staging", "web"])

        XCTAssertEqual(inv.plainVariables(for: "web1"), [
            "ntp_server": "time.example.com", "level": "web", "env": "production", "http_port": 80, "ansible_port": 2222,
        ])
        XCTAssertEqual(inv.plainVariables(for: "www.example.com")["ansible_port"], 8080)
        XCTAssertEqual(inv.plainVariables(for: "replica-b")["lag"], 5)
        XCTAssertEqual(inv.plainVariables(for: "replica-b")["level"], "db")
        XCTAssertEqual(inv.plainVariables(for: "stage1")["custom"], ["nested": [1, 2]])
        XCTAssertEqual(inv.plainVariables(for: "loose"), ["ntp_server": "time.example.com", "level": "all"])
    }

    func testExtensionlessYAMLAndJSON() throws {
        let yaml = try inventory("all:\n  hosts:\n    a1:\n      x: 1\n", named: "inventory")
        XCTAssertEqual(yaml.hostNames, ["a1"])
        let json = try inventory(#"{"web": {"hosts": {"w1": {"p": 1}, "w2": null}}}"#, named: "hosts.json")
        XCTAssertEqual(json.groupMembership()["web"], ["w1", "w2"])
        XCTAssertEqual(json.plainVariables(for: "w1")["p"], 1)
    }

    func testSkippedKeysBecomeWarnings() throws {
        let inv = try inventory("""
            web:
              hosts: {w1: }
              host: {w2: }
            notagroup: [1, 2]
            """, named: "inv.yml")
        XCTAssertEqual(inv.hostNames, ["w1"])
        let messages = inv.warnings.map(\.message)
        XCTAssertTrue(messages.contains("Skipping unexpected key (host) in group (web), only \"vars\", \"children\" and \"hosts\" are valid"), "\(messages)")
        XCTAssertTrue(messages.contains("Skipping 'notagroup' as this is not a valid group definition"), "\(messages)")
        XCTAssertEqual(inv.warnings.first { $0.message.hasPrefix("Skipping unexpected") }?.notes, ["did you mean 'hosts'?"])
    }

    func testErrors() {
        let cases: [(String, String, Int)] = [
            ("web:\n  hosts: [w1]\n", "Invalid \"hosts\" entry for \"web\" group, requires a dictionary, found \"list\" instead.", 2),
            ("web:\n  hosts:\n    w1: [1]\n", "Invalid data from file, expected dictionary and got: list", 3),
            ("web:\n  hosts:\n    1:\n", "Host name 1 must be a string, got int", 3),
            ("plugin: amazon.aws.aws_ec2\nregions: [us-east-1]\n", "inventory plugin 'amazon.aws.aws_ec2' is not supported", 1),
            ("- just\n- a list\n", "YAML inventory has invalid structure, it should be a dictionary", 1),
            ("web: {hosts: {w1: }\n", "YAML syntax error: while parsing a flow mapping did not find expected ',' or '}'", 2),
            ("a:\n  children:\n    b:\n      children:\n        a:\n", "Adding group 'b' as child to 'a' creates a recursive dependency loop.", 3),
        ]
        for (text, message, line) in cases {
            let d = diagnostic { _ = try inventory(text, named: "inv.yml") }
            XCTAssertEqual(d?.message, message, text)
            XCTAssertEqual(d?.location?.line, line, text)
        }
    }

    func testEmptyYAMLFileIsAnError() {
        let d = diagnostic { _ = try inventory("# nothing\n", named: "inv.yaml") }
        XCTAssertEqual(d?.message, "Parsed empty YAML file")
    }
}
