import Foundation
import OrderedCollections
import PlayBase
import XCTest
@testable import PlayInventory

/// Runs the real ansible-inventory and ansible on the fixture inventories and compares hosts,
/// groups, per-host merged variables and host-pattern results with ours. Needs ansible-core
/// 2.19 on PATH (CI installs it); without it these tests fail and say so.
final class AnsibleCompatibilityTests: XCTestCase {
    struct Case {
        var name: String
        var sources: [String]
        var playbookDirectory: String?
    }

    static let cases: [Case] = [
        Case(name: "ini", sources: [fixture("ini/hosts.ini")]),
        Case(name: "yaml", sources: [fixture("yaml/inventory.yml")]),
        Case(name: "vars dirs", sources: [fixture("vars/inventory/hosts")], playbookDirectory: fixture("vars/playbook")),
        Case(name: "folder", sources: [fixture("folder")]),
        Case(name: "several sources", sources: [fixture("multi/a.ini"), fixture("multi/b.yml")]),
        Case(name: "priority", sources: [fixture("priority/hosts.yml")]),
        Case(name: "host list", sources: ["web1,web2:2222,[::1]:22,127.0.0.9,"]),
    ]

    func testInventoriesMatchAnsibleInventory() throws {
        guard let tool = AnsibleTools.path(of: "ansible-inventory") else {
            return XCTFail(AnsibleTools.missingMessage("ansible-inventory"))
        }
        for c in Self.cases {
            var arguments = c.sources.flatMap { ["-i", $0] } + ["--list"]
            if let dir = c.playbookDirectory { arguments += ["--playbook-dir", dir] }
            let result = try AnsibleTools.run(tool, arguments, directory: fixtures)
            XCTAssertEqual(result.status, 0, "\(c.name): \(result.stderr)")
            let listing = try Value.parseJSON(result.stdout)
            guard case .dict(let groups) = listing, case .dict(let hostVars)? = listing["_meta"]?["hostvars"] else {
                XCTFail("\(c.name): unexpected ansible-inventory output \(result.stdout.prefix(200))")
                continue
            }
            let ours = try Inventory.load(sources: c.sources, playbookDirectory: c.playbookDirectory, loader: YAMLLoader())
            let graph = ours.graph

            // Groups: direct hosts and direct children, in order; empty groups are not listed.
            var theirHosts = Set(hostVars.keys)
            for (name, entry) in groups where name != "_meta" {
                let hosts = (entry["hosts"]?.listValue ?? []).compactMap(\.stringValue)
                let children = (entry["children"]?.listValue ?? []).compactMap(\.stringValue)
                theirHosts.formUnion(hosts)
                guard let g = graph.groupIndex[name] else {
                    XCTFail("\(c.name): ansible has group \(name), we do not")
                    continue
                }
                if name != "all" {
                    XCTAssertEqual(graph.groups[g].hosts.map { graph.hosts[$0].name }, hosts, "\(c.name): hosts of \(name)")
                }
                XCTAssertEqual(graph.groups[g].children.map { graph.groups[$0].name }, children, "\(c.name): children of \(name)")
            }
            for group in graph.groups where !group.hosts.isEmpty || !group.children.isEmpty {
                XCTAssertNotNil(groups[group.name], "\(c.name): we have group \(group.name), ansible does not")
            }

            // Hosts and their merged variables (ansible-inventory leaves out inventory_file/dir).
            XCTAssertEqual(Set(ours.hostNames), theirHosts, c.name)
            for host in ours.hostNames {
                let theirs = hostVars[host] ?? .dict([:])
                XCTAssertEqual(Self.sortedKeys(.dict(ours.plainVariables(for: host))), Self.sortedKeys(theirs), "\(c.name): variables of \(host)")
            }
        }
    }

    /// A dozen pattern forms; HostPatternTests holds the full table taken from the same tool.
    static let patterns = [
        "all", "prod", "web:db", "web,cache", "prod:&backend", "prod:!db", "*.example.com",
        "~web0[12]", "web[1:2]", "web[-1]", "!prod", "localhost",
    ]

    func testHostPatternsMatchAnsible() throws {
        guard let tool = AnsibleTools.path(of: "ansible") else {
            return XCTFail(AnsibleTools.missingMessage("ansible"))
        }
        let source = fixture("ini/hosts.ini")
        let ours = try Inventory.load(sources: [source], playbookDirectory: nil, loader: YAMLLoader())
        let runs: [(String, String?)] = Self.patterns.map { ($0, nil) } + [("prod", "web0*:!web02"), ("all", "backend[0]:lonely")]
        for (pattern, limit) in runs {
            var arguments = ["-i", source, pattern, "--list-hosts"]
            if let limit { arguments += ["--limit", limit] }
            let result = try AnsibleTools.run(tool, arguments, directory: fixtures)
            XCTAssertEqual(result.status, 0, "\(pattern): \(result.stderr)")
            XCTAssertEqual(try ours.hosts(matching: pattern, limit: limit), Self.listedHosts(result.stdout),
                           "pattern \(pattern) limit \(limit ?? "-")")
        }
    }

    /// The names under "hosts (N):" in `ansible --list-hosts` output.
    static func listedHosts(_ output: String) -> [String] {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let header = lines.firstIndex(where: { $0.hasPrefix("hosts (") }) else { return [] }
        return lines[(header + 1)...].filter { !$0.isEmpty }
    }

    /// Dictionaries with keys sorted at every level, so values compare regardless of key order.
    static func sortedKeys(_ value: Value) -> Value {
        switch value {
        case .dict(let d):
            var sorted = OrderedDictionary<String, Value>()
            for key in d.keys.sorted() { sorted[key] = sortedKeys(d[key]!) }
            return .dict(sorted)
        case .list(let l):
            return .list(l.map(sortedKeys))
        default:
            return value
        }
    }
}
