import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// `hostname` and `mount`: check mode and fstab edits on the real sshd host; real changes of
/// the host name and real tmpfs mounts only inside a private UTS and mount namespace
/// (`NamespaceHost`), where ansible-playbook runs too for the comparison. The machine keeps its
/// name and mount table (asserted).
final class HostnameMountModuleTests: SystemModuleTestCase {
    private func machineName() -> (String, String) {
        (Self.shell("hostname").1, (try? String(contentsOfFile: "/etc/hostname", encoding: .utf8)) ?? "")
    }

    func testHostnameCheckModeOnTheFleetMatchesAnsible() async throws {
        let before = machineName()
        let reference = try AnsibleReference.run([.init("hostname", ["name": "playtest-host.example"], check: true, diff: true)])
        try await withHost { h, _ in
            var check = h
            check.checkMode = true
            check.diffMode = true
            let mine = try await check.run(HostnameModule(), ["name": "playtest-host.example"])
            XCTAssertEqual(Set(mine.values.keys), AnsibleReference.keys(reference[0]))
            for key in ["changed", "name", "diff"] { XCTAssertEqual(mine[key], reference[0][key], key) }
            for fact in ["ansible_hostname", "ansible_nodename", "ansible_fqdn", "ansible_domain"] {
                XCTAssertEqual(mine["ansible_facts"]?[fact], reference[0]["ansible_facts"]?[fact], fact)
            }
        }
        XCTAssertTrue(machineName() == before, "check mode changed nothing")
    }

    func testHostnameInANamespace() async throws {
        let before = machineName()
        let dir = try TemporaryDirectory()
        for side in ["ours", "theirs"] {
            try dir.write("\(side)/hostname", "orig\n")
        }
        let theirs = try NamespaceHost(), ours = try NamespaceHost()
        for (ns, side) in [(theirs, "theirs"), (ours, "ours")] {
            XCTAssertEqual(Self.shell("\(ns.prefix.joined(separator: " ")) sh -c 'mount --bind \(dir.file(side + "/hostname")) /etc/hostname && hostname orig'").0, 0)
        }
        let steps: [AnsibleReference.Step] = [
            .init("hostname", ["name": "web-1.example.test"], diff: true),
            .init("hostname", ["name": "web-1.example.test"]),
            .init("hostname", ["name": "kern-name", "use": "alpine"], diff: true),
            .init("hostname", ["name": "x", "use": "generic"]),
        ]
        let reference = try AnsibleReference.run(steps, prefix: theirs.prefix)
        var h = ModuleHarness()
        h.connection = ours.connection
        for (i, step) in steps.enumerated() {
            h.diffMode = step.diff
            let mine = try await h.run(HostnameModule(), step.args)
            if i == 3 {
                XCTAssertTrue(mine.failed && reference[i]["failed"]?.isTruthy == true, "use=generic fails in both")
                continue
            }
            XCTAssertEqual(Set(mine.values.keys), AnsibleReference.keys(reference[i]), "step \(i)")
            for key in ["changed", "name", "diff"] { XCTAssertEqual(mine[key], reference[i][key], "step \(i) \(key)") }
            for fact in ["ansible_hostname", "ansible_nodename", "ansible_fqdn", "ansible_domain"] {
                XCTAssertEqual(mine["ansible_facts"]?[fact], reference[i]["ansible_facts"]?[fact], "step \(i) \(fact)")
            }
        }
        XCTAssertEqual(dir.read("ours/hostname"), "kern-name\n", "Debian's strategy, then Alpine's, wrote /etc/hostname")
        XCTAssertEqual(dir.read("ours/hostname"), dir.read("theirs/hostname"))
        // Alpine's strategy runs `hostname -F /etc/hostname` before it writes the new name there: the
        // kernel gets the name the file held (Ansible's order, kept); a second run would set it.
        XCTAssertEqual(Self.shell("\(ours.prefix.joined(separator: " ")) hostname").1, "web-1.example.test\n")
        XCTAssertEqual(Self.shell("\(theirs.prefix.joined(separator: " ")) hostname").1, "web-1.example.test\n")
        XCTAssertTrue(machineName() == before, "the machine kept its name")
    }

    private func fstabSteps(_ fstab: String, _ base: String) -> [AnsibleReference.Step] {
        [
            .init("ansible.posix.mount", ["path": .string(base + "/data"), "src": "UUID=1234-abcd", "fstype": "ext4",
                                          "state": "present", "fstab": .string(fstab)]),
            .init("ansible.posix.mount", ["path": .string(base + "/data"), "src": "UUID=1234-abcd", "fstype": "ext4",
                                          "state": "present", "fstab": .string(fstab)]),
            .init("ansible.posix.mount", ["path": .string(base + "/with space"), "src": "//srv/share & more", "fstype": "cifs",
                                          "opts": "ro,user=x", "dump": "1", "passno": "2", "boot": false,
                                          "state": "present", "fstab": .string(fstab)]),
            .init("ansible.posix.mount", ["path": .string(base + "/data"), "src": "UUID=1234-abcd", "fstype": "xfs",
                                          "state": "present", "fstab": .string(fstab), "backup": true]),
            .init("ansible.posix.mount", ["path": .string(base + "/data"), "state": "absent_from_fstab", "fstab": .string(fstab)],
                  check: true),
            .init("ansible.posix.mount", ["path": .string(base + "/with space"), "state": "absent", "fstab": .string(fstab)]),
            .init("ansible.posix.mount", ["path": .string(base + "/data"), "state": "present", "fstab": .string(fstab)]),
        ]
    }

    func testFstabEntriesMatchAnsible() async throws {
        let dir = try TemporaryDirectory()
        let start = "# static table\nproc /proc proc defaults 0 0\n\n/dev/sdb1 /srv ext4 defaults 0 2"
        try dir.write("theirs/fstab", start)
        try dir.write("ours/fstab", start)
        let reference = try AnsibleReference.run(fstabSteps(dir.file("theirs/fstab"), "/mnt/theirs"))
        try await withHost { h, _ in
            for (i, step) in fstabSteps(dir.file("ours/fstab"), "/mnt/ours").enumerated() {
                var harness = h
                harness.checkMode = step.check
                let mine = try await harness.run(MountModule(), step.args)
                let expected = reference[i]
                XCTAssertEqual(Set(mine.values.keys).subtracting(["failed"]), AnsibleReference.keys(expected), "step \(i)")
                for key in ["changed", "msg", "opts", "boot", "dump", "passno", "src", "fstype", "warnings"] {
                    XCTAssertEqual(mine[key], expected[key], "step \(i) \(key)")
                }
                XCTAssertEqual(mine.string("backup_file")?.isEmpty, expected["backup_file"]?.stringValue?.isEmpty, "step \(i)")
                if let backup = mine.string("backup_file"), !backup.isEmpty {
                    XCTAssertTrue(backup.hasPrefix(dir.file("ours/fstab.")) && backup.hasSuffix("~"), backup)
                }
            }
        }
        let ours = try XCTUnwrap(dir.read("ours/fstab"))
        XCTAssertEqual(ours, dir.read("theirs/fstab")?.replacingOccurrences(of: "/mnt/theirs", with: "/mnt/ours"))
        XCTAssertEqual(ours, "# static table\nproc /proc proc defaults 0 0\n\n/dev/sdb1 /srv ext4 defaults 0 2\n"
                       + "UUID=1234-abcd /mnt/ours/data xfs defaults 0 0\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/mnt/ours"), "state=absent of an unmounted path made nothing")
    }

    func testTmpfsMountedInANamespaceMatchesAnsible() async throws {
        let machineMounts = Self.shell("cat /proc/self/mountinfo | wc -l").1
        let dir = try TemporaryDirectory()
        func steps(_ side: String) -> [AnsibleReference.Step] {
            let point = dir.file("\(side)/mnt/a/b"), fstab = dir.file("\(side)/fstab")
            return [
                .init("ansible.posix.mount", ["path": .string(point), "src": "tmpfs", "fstype": "tmpfs", "opts": "size=1m",
                                              "state": "mounted", "fstab": .string(fstab)], check: true),
                .init("ansible.posix.mount", ["path": .string(point), "src": "tmpfs", "fstype": "tmpfs", "opts": "size=1m",
                                              "state": "mounted", "fstab": .string(fstab)]),
                .init("ansible.posix.mount", ["path": .string(point), "src": "tmpfs", "fstype": "tmpfs", "opts": "size=1m",
                                              "state": "mounted", "fstab": .string(fstab)]),
                .init("ansible.posix.mount", ["path": .string(point), "src": "tmpfs", "fstype": "tmpfs", "opts": "size=2m",
                                              "state": "mounted", "fstab": .string(fstab)]),
                .init("ansible.posix.mount", ["path": .string(point), "state": "remounted", "fstab": .string(fstab)]),
                .init("ansible.posix.mount", ["path": .string(point), "state": "unmounted", "fstab": .string(fstab)]),
                .init("ansible.posix.mount", ["path": .string(point), "state": "unmounted", "fstab": .string(fstab)]),
                .init("ansible.posix.mount", ["path": .string(point), "src": "tmpfs", "fstype": "tmpfs",
                                              "state": "mounted", "fstab": .string(fstab)]),
                .init("ansible.posix.mount", ["path": .string(point), "state": "absent", "fstab": .string(fstab)]),
                .init("ansible.posix.mount", ["path": .string(point), "src": "tmpfs", "fstype": "tmpfs", "opts": "size=1m",
                                              "state": "ephemeral", "fstab": .string(fstab)]),
                .init("ansible.posix.mount", ["path": .string(point), "state": "unmounted", "fstab": .string(fstab)]),
                .init("ansible.posix.mount", ["path": .string(dir.file("\(side)/bad/c")), "src": "none", "fstype": "nosuchfs",
                                              "state": "mounted", "fstab": .string(fstab)]),
            ]
        }
        let theirs = try NamespaceHost(), ours = try NamespaceHost()
        let reference = try AnsibleReference.run(steps("theirs"), prefix: theirs.prefix)
        var h = ModuleHarness()
        h.connection = ours.connection
        for (i, step) in steps("ours").enumerated() {
            h.checkMode = step.check
            let mine = try await h.run(MountModule(), step.args)
            let expected = reference[i]
            XCTAssertEqual(Set(mine.values.keys).subtracting(["failed"]), AnsibleReference.keys(expected), "step \(i)")
            for key in ["changed", "opts", "src", "fstype"] { XCTAssertEqual(mine[key], expected[key], "step \(i) \(key)") }
            XCTAssertEqual(mine.message, expected["msg"]?.stringValue?.replacingOccurrences(of: "/theirs/", with: "/ours/"), "step \(i)")
            let mounts = Self.shell("grep -c ' \(dir.file("ours/mnt/a/b")) ' /proc/\(ours.pid)/mountinfo").1
            switch i {
            case 0: XCTAssertFalse(dir.exists("ours/mnt"), "check mode made no directory")
            case 1, 3: XCTAssertEqual(mounts, "1\n", "step \(i): mounted in the namespace")
                XCTAssertTrue(Self.shell("grep ' \(dir.file("ours/mnt/a/b")) ' /proc/\(ours.pid)/mountinfo").1.contains(i == 1 ? "size=1024k" : "size=2048k"))
            case 5, 10: XCTAssertEqual(mounts, "0\n")
            case 8: XCTAssertFalse(dir.exists("ours/mnt/a/b"), "absent removed the mount point")
            case 9: XCTAssertEqual(mounts, "1\n", "an ephemeral mount")
            default: break
            }
            if i == 0 { XCTAssertEqual(dir.read("ours/fstab"), "", "the fstab is made even in check mode, as Ansible does") }
        }
        XCTAssertEqual(dir.read("ours/fstab"), "")
        XCTAssertEqual(dir.read("theirs/fstab"), "")
        XCTAssertFalse(dir.exists("ours/bad"), "a failed mount removes the directories it made")
        XCTAssertEqual(dir.exists("ours/bad"), dir.exists("theirs/bad"))
        XCTAssertTrue(dir.exists("ours/mnt/a"))
        XCTAssertEqual(Self.shell("cat /proc/self/mountinfo | wc -l").1, machineMounts, "the machine's mounts are as they were")
    }
}
