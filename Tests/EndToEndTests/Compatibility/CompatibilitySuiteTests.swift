import Foundation
import PlayTestSupport
import XCTest

/// The public-content compatibility suite: 60 playbooks and 10 roles in
/// Fixtures/compat, written the way public repositories write them (roles with defaults, vars,
/// handlers, meta dependencies, templates and files; facts in templates; loops, blocks, includes,
/// filters, lookups), each checked against the real ansible-playbook: the listings byte for byte,
/// and a run on two real sshd hosts whose output (host order aside) and effects on disk (paths,
/// modes, contents, links) must match. Every playbook's first line names its features; the
/// tests print how many playbooks match per feature.
final class CompatibilitySuiteTests: XCTestCase {
    private static let fleets = FleetRegistry()
    private static var key: String { String(describing: self) }

    override class func setUp() {
        super.setUp()
        fleets.start(key, hosts: 2)
    }

    override class func tearDown() {
        fleets.stop(key)
        super.tearDown()
    }

    static var directory: URL { PlayProcess.fixtures.appendingPathComponent("compat") }

    static var playbooks: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix("c") && $0.hasSuffix(".yml") }.sorted()
    }

    /// The `# features: a, b` line that opens each playbook.
    static func features(of playbook: String) -> [String] {
        let text = (try? String(contentsOf: directory.appendingPathComponent(playbook), encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").first, line.hasPrefix("# features:") else { return ["(none)"] }
        return line.dropFirst("# features:".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private var environment: [String: String] { ["ANSIBLE_PIPELINING": "True", "ANSIBLE_FORCE_COLOR": "0"] }

    func testSuiteHasSixtyPlaybooksAndTenRoles() throws {
        XCTAssertGreaterThanOrEqual(Self.playbooks.count, 60)
        let roles = try FileManager.default.contentsOfDirectory(atPath: Self.directory.appendingPathComponent("roles").path)
        XCTAssertGreaterThanOrEqual(roles.count, 10)
        for playbook in Self.playbooks { XCTAssertNotEqual(Self.features(of: playbook), ["(none)"], playbook) }
    }

    /// `--list-tasks`, `--list-tags` and `--syntax-check` of every playbook, byte for byte.
    func testListingsMatchAnsibleByteForByte() throws {
        let fleet = try Self.fleets.fleet(for: Self.key)
        let inventory = try writeInventory(fleet)
        var mismatched: [String: [String]] = [:]
        for mode in ["--list-tasks", "--list-tags", "--syntax-check"] {
            let args = ["-i", inventory] + Self.playbooks + [mode]
            let ansible = try PlayProcess.ansiblePlaybook(args, cwd: Self.directory, environment: environment)
            let play = try PlayProcess.play(args, cwd: Self.directory, environment: environment)
            XCTAssertEqual(ansible.exitCode, 0, ansible.stderr)
            XCTAssertEqual(play.exitCode, ansible.exitCode, "\(mode): \(play.stderr)")
            let a = Self.listingSections(ansible.stdout), p = Self.listingSections(play.stdout)
            for playbook in Self.playbooks where a[playbook] != p[playbook] {
                mismatched[playbook, default: []].append(mode)
                XCTFail("\(playbook) \(mode) differs:\n--- ansible\n\(a[playbook] ?? "<missing>")\n--- play\n\(p[playbook] ?? "<missing>")")
            }
        }
        report("listings", mismatched)
    }

    /// One run of all playbooks by each tool on the same two hosts (the tree cleared between), the
    /// output compared per playbook and per task, the files each playbook made compared exactly.
    func testRunsMatchAnsibleOnRealHosts() throws {
        let fleet = try Self.fleets.fleet(for: Self.key)
        let inventory = try writeInventory(fleet)
        let args = ["-i", inventory, "-f", "2"] + Self.playbooks
        let bases = (1...2).map { fleet.home($0) + "/compat" }

        bases.forEach { try? FileManager.default.removeItem(atPath: $0) }
        let ansible = try PlayProcess.ansiblePlaybook(args, cwd: Self.directory, environment: environment)
        let ansibleTrees = bases.map(HostTree.init)
        bases.forEach { try? FileManager.default.removeItem(atPath: $0) }
        let play = try PlayProcess.play(args, cwd: Self.directory, environment: environment)
        let playTrees = bases.map(HostTree.init)

        XCTAssertEqual(play.exitCode, ansible.exitCode, "exit code; play stderr: \(play.stderr)")
        let a = RunTranscript(ansible.stdout), p = RunTranscript(play.stdout)
        var mismatched: [String: [String]] = [:]
        for playbook in Self.playbooks {
            let key = String(playbook.prefix(3))
            if a.sections[key] != p.sections[key] {
                mismatched[playbook, default: []].append("output")
                XCTFail("\(playbook): output differs\n\(Self.firstDifference(a.sections[key] ?? "", p.sections[key] ?? ""))")
            }
            for host in 0..<2 {
                let differences = ansibleTrees[host].differences(from: playTrees[host], under: key)
                if !differences.isEmpty {
                    mismatched[playbook, default: []].append("files")
                    XCTFail("\(playbook) on h\(host + 1): files differ\n" + differences.prefix(5).joined(separator: "\n"))
                }
            }
        }
        XCTAssertNotNil(a.sections["c60"], "ansible-playbook ran every playbook:\n\(ansible.stdout.suffix(2000))")
        report("runs", mismatched)
    }

    // MARK: Helpers

    /// The fleet's inventory with each host's own directory for the suite (`compat_base`).
    private func writeInventory(_ fleet: SSHFleet) throws -> String {
        let text = try String(contentsOfFile: fleet.inventoryFile, encoding: .utf8)
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let k = Int(line.prefix { $0 != " " }.dropFirst()), line.hasPrefix("h"), line.contains("ansible_host=") {
                lines.append(line + " compat_base=\(fleet.home(k))/compat")
            } else {
                lines.append(line)
            }
        }
        let path = fleet.directory + "/compat-inventory"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A listing cut at its `playbook: NAME` lines.
    static func listingSections(_ stdout: String) -> [String: String] {
        var sections: [String: [String]] = [:]
        var current = ""
        for line in stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("playbook: ") { current = String(line.dropFirst("playbook: ".count)) }
            sections[current, default: []].append(String(line))
        }
        return sections.mapValues { $0.joined(separator: "\n") }
    }

    static func firstDifference(_ a: String, _ b: String) -> String {
        let al = a.split(separator: "\n", omittingEmptySubsequences: false), bl = b.split(separator: "\n", omittingEmptySubsequences: false)
        let i = (0..<min(al.count, bl.count)).first { al[$0] != bl[$0] } ?? min(al.count, bl.count)
        let context = al[max(0, i - 3)..<min(al.count, i)].joined(separator: "\n")
        return "\(context)\nansible: \(i < al.count ? String(al[i]) : "<end>")\nplay:    \(i < bl.count ? String(bl[i]) : "<end>")"
    }

    /// Prints, per feature, how many of the playbooks that exercise it match.
    private func report(_ what: String, _ mismatched: [String: [String]]) {
        var total: [String: Int] = [:], matching: [String: Int] = [:]
        for playbook in Self.playbooks {
            for feature in Self.features(of: playbook) {
                total[feature, default: 0] += 1
                if mismatched[playbook] == nil { matching[feature, default: 0] += 1 }
            }
        }
        var lines = ["compatibility (\(what)): \(Self.playbooks.count - mismatched.count)/\(Self.playbooks.count) playbooks match ansible-playbook"]
        for feature in total.keys.sorted() {
            lines.append("  \(feature.padding(toLength: 22, withPad: " ", startingAt: 0)) \(matching[feature, default: 0])/\(total[feature]!)")
        }
        print(lines.joined(separator: "\n"))
    }
}
