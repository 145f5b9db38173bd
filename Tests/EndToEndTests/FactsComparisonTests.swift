import Foundation
import XCTest

/// Gathers facts on this machine with the real Ansible and with `play` (local connection), and
/// compares the `ansible_facts` each one hands the playbook: the names, the JSON types, and the
/// values that do not change between two runs.
final class FactsComparisonTests: XCTestCase {
    /// Common facts deploy playbooks read, in `ansible_facts` (unprefixed) form.
    static let common = [
        "architecture", "machine", "system", "kernel", "kernel_version", "hostname", "nodename", "fqdn", "domain",
        "distribution", "distribution_version", "distribution_major_version", "distribution_release",
        "distribution_file_path", "os_family", "lsb", "pkg_mgr", "service_mgr", "python", "python_version",
        "date_time", "env", "user_id", "user_uid", "user_gid", "user_dir", "user_shell", "user_gecos",
        "effective_user_id", "real_user_id", "memtotal_mb", "memfree_mb", "swaptotal_mb", "memory_mb",
        "processor", "processor_count", "processor_cores", "processor_vcpus", "processor_nproc",
        "processor_threads_per_core", "uptime_seconds", "interfaces", "default_ipv4", "default_ipv6",
        "all_ipv4_addresses", "all_ipv6_addresses", "lo", "dns", "selinux", "apparmor", "fips", "loadavg",
        "virtualization_type", "virtualization_role", "userspace_bits", "machine_id", "cmdline", "local", "mounts",
        "locally_reachable_ips", "iscsi_iqn", "hostnqn", "fibre_channel_wwn",
    ]
    /// Values equal in both tools on the same host and run.
    static let stable = [
        "architecture", "machine", "system", "kernel", "kernel_version", "hostname", "nodename", "fqdn", "domain",
        "distribution", "distribution_version", "distribution_major_version", "distribution_release", "os_family",
        "pkg_mgr", "python_version", "user_id", "user_uid", "user_dir", "user_shell", "processor_count",
        "processor_cores", "processor_vcpus", "processor_nproc", "swaptotal_mb", "default_ipv4", "all_ipv4_addresses",
        "userspace_bits", "machine_id", "virtualization_type", "virtualization_role", "locally_reachable_ips",
        "iscsi_iqn", "hostnqn",
    ]

    func testFactsMatchAnsibleSetupOnThisHost() throws {
        let dir = PlayProcess.fixtures.appendingPathComponent("facts")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("facts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let ansibleOut = scratch.appendingPathComponent("ansible.json").path
        let playOut = scratch.appendingPathComponent("play.json").path

        let ansible = try PlayProcess.ansiblePlaybook(["-c", "local", "facts.yml", "-e", "out=\(ansibleOut)"], cwd: dir)
        let play = try PlayProcess.play(["-c", "local", "facts.yml", "-e", "out=\(playOut)"], cwd: dir)
        XCTAssertEqual(ansible.exitCode, 0, ansible.stdout + ansible.stderr)
        XCTAssertEqual(play.exitCode, 0, play.stdout + play.stderr)
        // Same banners (the implicit "Gathering Facts" task included), same rendered facts.
        XCTAssertEqual(play.stdout, ansible.stdout)

        let theirs = try facts(ansibleOut), ours = try facts(playOut)
        for name in Self.common {
            guard let a = theirs[name] else { continue } // absent on this host for Ansible too
            guard let p = ours[name] else {
                XCTFail("play lacks the fact '\(name)' that Ansible has")
                continue
            }
            XCTAssertEqual(kind(p), kind(a), "JSON type of '\(name)'")
            if case let (a as [String: Any], p as [String: Any]) = (a, p), name != "env" {
                XCTAssertEqual(Set(p.keys).subtracting(["mode"]), Set(a.keys).subtracting(["mode"]), "keys of '\(name)'")
            }
        }
        for name in Self.stable where theirs[name] != nil {
            XCTAssertEqual(json(ours[name]), json(theirs[name]), "value of '\(name)'")
        }
        // Read moments apart, so within a few MiB.
        if let a = theirs["memtotal_mb"] as? Int, let p = ours["memtotal_mb"] as? Int { XCTAssertLessThanOrEqual(abs(a - p), 1) }
        // service_mgr: both read PID 1's name; in a container that is the container's init.
        XCTAssertEqual(ours["service_mgr"] as? String, theirs["service_mgr"] as? String)
        let theirsDate = theirs["date_time"] as? [String: Any], oursDate = ours["date_time"] as? [String: Any]
        XCTAssertEqual(oursDate?["tz"] as? String, theirsDate?["tz"] as? String)
        XCTAssertEqual(oursDate?["tz_offset"] as? String, theirsDate?["tz_offset"] as? String)
        XCTAssertEqual(Set((ours["env"] as? [String: Any])?.keys.map { $0 } ?? []).contains("PATH"), true)
    }

    /// Listings never show the implicit task; `--skip-tags always` skips it, `--tags` keeps it;
    /// a templated `gather_facts` renders with `-e`. Output compared with ansible-playbook's.
    func testListingsTagsAndTemplatedGatherFactsAsAnsible() throws {
        let dir = PlayProcess.fixtures.appendingPathComponent("facts")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("facts-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let runs = [["facts.yml", "--list-tasks"], ["tags.yml"], ["tags.yml", "--skip-tags", "always"],
                    ["tags.yml", "--tags", "none"], ["tags.yml", "-e", "gather=false"]]
        for extra in runs {
            let args = ["-c", "local", "-e", "out=\(out)"] + extra
            let ansible = try PlayProcess.ansiblePlaybook(args, cwd: dir)
            let play = try PlayProcess.play(args, cwd: dir)
            XCTAssertEqual(play.exitCode, ansible.exitCode, "\(extra): \(play.stderr)")
            XCTAssertEqual(play.stdout, ansible.stdout, "\(extra)")
        }
    }

    private func facts(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func kind(_ v: Any) -> String {
        switch v {
        case let n as NSNumber: return String(cString: n.objCType) == "c" ? "bool" : "number"
        case is String: return "string"
        case is [Any]: return "list"
        case is [String: Any]: return "dict"
        default: return "null"
        }
    }

    private func json(_ v: Any?) -> String {
        guard let v else { return "null" }
        guard JSONSerialization.isValidJSONObject([v]),
              let data = try? JSONSerialization.data(withJSONObject: [v], options: [.sortedKeys]) else { return "\(v)" }
        return String(decoding: data, as: UTF8.self)
    }
}
