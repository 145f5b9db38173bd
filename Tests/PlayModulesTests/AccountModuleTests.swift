import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// `user` and `group` on a real sshd host (this machine's own accounts, under unique
/// `playtest_` names removed in tearDown), against ansible-playbook doing the same.
final class AccountModuleTests: SystemModuleTestCase {
    private let hash = "$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/"

    func testGroupLifecycle() async throws {
        let name = newGroup()
        try await withHost { h, _ in
            var check = h
            check.checkMode = true
            let preview = try await check.run(GroupModule(), ["name": .string(name)])
            XCTAssertEqual(preview.values, ["changed": true])
            XCTAssertEqual(Self.entry("group", name), "", "check mode made nothing")

            let made = try await h.run(GroupModule(), ["name": .string(name), "gid": 48123])
            XCTAssertEqual(made.values, ["name": .string(name), "state": "present", "changed": true, "system": false, "gid": 48123])
            XCTAssertEqual(Self.entry("group", name), "\(name):x:48123:")
            let again = try await h.run(GroupModule(), ["name": .string(name), "gid": 48123])
            XCTAssertFalse(again.changed)
            let renumber = try await check.run(GroupModule(), ["name": .string(name), "gid": 48124])
            XCTAssertTrue(renumber.changed)
            XCTAssertEqual(renumber["gid"], 48123, "check mode reports the gid it has")
            let moved = try await h.run(GroupModule(), ["name": .string(name), "gid": 48124])
            XCTAssertTrue(moved.changed)
            XCTAssertEqual(Self.entry("group", name), "\(name):x:48124:")
            let nonUnique = try await h.run(GroupModule(), ["name": .string(name), "non_unique": true])
            XCTAssertEqual(nonUnique.message, "non_unique is True but all of the following are missing: gid")

            let removed = try await h.run(GroupModule(), ["name": .string(name), "state": "absent"])
            XCTAssertEqual(removed.values, ["name": .string(name), "state": "absent", "changed": true])
            XCTAssertEqual(Self.entry("group", name), "")
            let gone = try await h.run(GroupModule(), ["name": .string(name), "state": "absent"])
            XCTAssertFalse(gone.changed)
        }
    }

    func testUserLifecycle() async throws {
        let name = newUser(), extra = newGroup(), other = newGroup()
        let home = "/tmp/\(name)-homes/\(name)"
        cleanups.append { _ = Self.shell("rm -rf /tmp/\(name)-homes") }
        try await withHost { h, _ in
            _ = try await h.run(GroupModule(), ["name": .string(extra)])
            _ = try await h.run(GroupModule(), ["name": .string(other)])
            var check = h
            check.checkMode = true
            let preview = try await check.run(UserModule(), ["name": .string(name)])
            XCTAssertEqual(preview.values, ["changed": true])
            XCTAssertEqual(Self.entry("passwd", name), "")

            let made = try await h.run(UserModule(), [
                "name": .string(name), "comment": "Play Test", "shell": "/bin/sh", "home": .string(home),
                "groups": [.string(extra)], "password": .string(hash), "generate_ssh_key": true, "ssh_key_type": "ed25519",
                "ssh_key_comment": "play@test",
            ])
            XCTAssertFalse(made.failed, "\(made.values)")
            XCTAssertTrue(made.changed)
            let uid = try XCTUnwrap(made["uid"]?.intValue)
            XCTAssertEqual(Self.entry("passwd", name), "\(name):x:\(uid):\(made["group"]?.intValue ?? -1):Play Test:\(home):/bin/sh")
            XCTAssertEqual(made.string("stderr")?.contains("already exists"), true,
                           "the home was made first (its parent was missing), as Ansible does: useradd says so")
            XCTAssertEqual(Array(made.values.keys), ["name", "state", "system", "create_home", "password", "changed", "stderr", "uid", "group",
                                                     "comment", "home", "shell", "groups", "ssh_fingerprint", "ssh_key_file",
                                                     "ssh_public_key"])
            XCTAssertEqual(made["password"], "NOT_LOGGING_PASSWORD")
            XCTAssertEqual(made["groups"], .string(extra))
            XCTAssertEqual(made["ssh_key_file"], .string(home + "/.ssh/id_ed25519"))
            XCTAssertEqual(made.string("ssh_public_key")?.hasPrefix("ssh-ed25519 "), true)
            XCTAssertEqual(made.string("ssh_public_key")?.hasSuffix(" play@test"), true)
            XCTAssertEqual(made.string("ssh_fingerprint")?.hasPrefix("256 SHA256:"), true)
            XCTAssertTrue(Self.shell("stat -c %U:%a \(home) \(home)/.ssh \(home)/.ssh/id_ed25519").1
                .hasPrefix("\(name):755\n\(name):700\n\(name):600"), "the home and the key belong to the user")
            XCTAssertTrue(Self.shell("getent shadow \(name)").1.hasPrefix("\(name):\(hash):"))
            XCTAssertTrue(Self.entry("group", extra).hasSuffix(":\(name)"))

            let again = try await h.run(UserModule(), [
                "name": .string(name), "comment": "Play Test", "shell": "/bin/sh", "home": .string(home),
                "groups": [.string(extra)], "password": .string(hash), "generate_ssh_key": true, "ssh_key_type": "ed25519",
            ])
            XCTAssertFalse(again.changed, "\(again.values)")
            XCTAssertEqual(again["warnings"], [.string("Found existing ssh key private file \"\(home)/.ssh/id_ed25519\", no force, so skipping ssh-keygen generation")])
            XCTAssertEqual(again["append"], false)

            let appendPreview = try await check.run(UserModule(), ["name": .string(name), "groups": [.string(other)], "append": true])
            XCTAssertTrue(appendPreview.changed)
            XCTAssertFalse(Self.entry("group", other).hasSuffix(name), "check mode changed no group")
            let appended = try await h.run(UserModule(), ["name": .string(name), "groups": [.string(other)], "append": true,
                                                          "shell": "/bin/bash", "password_lock": true, "expires": 1893456000])
            XCTAssertTrue(appended.changed)
            XCTAssertEqual(appended["shell"], "/bin/bash")
            XCTAssertTrue(Self.entry("group", extra).hasSuffix(":\(name)"), "append kept the old group")
            XCTAssertTrue(Self.entry("group", other).hasSuffix(":\(name)"))
            let shadow = Self.entry("shadow", name).split(separator: ":", omittingEmptySubsequences: false)
            XCTAssertEqual(shadow[1], "!" + hash)
            XCTAssertEqual(shadow[7], "21915", "2030-01-01 in days")
            let replaced = try await h.run(UserModule(), ["name": .string(name), "groups": [.string(other)]])
            XCTAssertTrue(replaced.changed)
            XCTAssertFalse(Self.entry("group", extra).hasSuffix(name), "without append the other groups go")
            let missing = try await h.run(UserModule(), ["name": .string(name), "groups": ["playtest_no_such_group"]])
            XCTAssertEqual(missing.message, "Group playtest_no_such_group does not exist")

            let removePreview = try await check.run(UserModule(), ["name": .string(name), "state": "absent"])
            XCTAssertEqual(removePreview.values, ["changed": true])
            let removed = try await h.run(UserModule(), ["name": .string(name), "state": "absent", "remove": true])
            var removedValues = removed.values
            removedValues.removeValue(forKey: "stderr")  // userdel: "mail spool ... not found"
            XCTAssertEqual(removedValues, ["name": .string(name), "state": "absent", "force": false, "remove": true, "changed": true])
            XCTAssertEqual(Self.entry("passwd", name), "")
            XCTAssertFalse(FileManager.default.fileExists(atPath: home))
        }
    }

    /// The same tasks through ansible-playbook and through the module: the same result keys and
    /// values (but for the ids the system picks), the same passwd and group entries.
    func testUserAndGroupMatchAnsible() async throws {
        let ours = newUser(), theirs = newUser(), ourGroup = newGroup(), theirGroup = newGroup()
        cleanups.append { _ = Self.shell("rm -rf /tmp/\(ours)-h /tmp/\(theirs)-h") }
        func tasks(_ user: String, _ group: String, _ gid: Int) -> [AnsibleReference.Step] {
            [
                .init("group", ["name": .string(group), "gid": .int(gid)]),
                .init("user", ["name": .string(user), "comment": "Cmp", "shell": "/bin/sh", "home": .string("/tmp/\(user)-h"),
                               "group": .string(group), "groups": [.string(group)], "system": true]),
                .init("user", ["name": .string(user), "shell": "/bin/dash", "password_lock": true], check: true),
                .init("user", ["name": .string(user), "shell": "/bin/dash", "password": .string(hash)]),
                .init("user", ["name": .string(user), "password": "plaintext"]),
                .init("user", ["name": .string(user), "state": "absent"]),
                .init("user", ["name": .string(user), "state": "absent"]),
            ]
        }
        let reference = try AnsibleReference.run(tasks(theirs, theirGroup, 48201))
        XCTAssertEqual(reference.count, 7)
        try await withHost { h, _ in
            for (i, step) in tasks(ours, ourGroup, 48200).enumerated() {
                var harness = h
                harness.checkMode = step.check
                let module: any Module = step.module == "group" ? GroupModule() : UserModule()
                let mine = try await harness.run(module, step.args)
                let expected = reference[i]
                XCTAssertEqual(Set(mine.values.keys).subtracting(["failed"]), AnsibleReference.keys(expected), "task \(i)")
                for key in ["changed", "state", "comment", "shell", "system", "create_home", "append", "move_home", "password",
                            "groups", "force", "remove", "warnings"] {
                    var want = expected[key]
                    if key == "groups" { want = want.map { .string($0.renderedString.replacingOccurrences(of: theirGroup, with: ourGroup)) } }
                    XCTAssertEqual(mine[key], want, "task \(i) key \(key)")
                }
                if let home = mine["home"] { XCTAssertEqual(home, expected["home"].map { .string($0.renderedString.replacingOccurrences(of: theirs, with: ours)) }) }
                if i == 1 {
                    XCTAssertEqual(mine["group"], 48200)
                    XCTAssertLessThan(mine["uid"]?.intValue ?? 9999, 1000, "system account")
                }
            }
        }
    }

    /// Each call costs one command to read and, only when something changes, one more to act.
    func testCommandsPerCall() async throws {
        let user = newUser(), group = newGroup()
        let dir = try TemporaryDirectory()
        try await withHost { h, _ in
            let counter = CountingConnection(base: h.connection)
            var c = h
            c.connection = counter
            func cost(_ module: any Module, _ args: OrderedDictionary<String, Value>) async throws -> Int {
                let before = counter.commands
                let r = try await c.run(module, args)
                XCTAssertFalse(r.failed, "\(r.values)")
                return counter.commands - before
            }
            let groupMade = try await cost(GroupModule(), ["name": .string(group)])
            XCTAssertEqual(groupMade, 2)
            let groupKept = try await cost(GroupModule(), ["name": .string(group)])
            XCTAssertEqual(groupKept, 1)
            let userMade = try await cost(UserModule(), ["name": .string(user), "home": .string(dir.file("home")), "group": .string(group)])
            XCTAssertEqual(userMade, 2)
            let userKept = try await cost(UserModule(), ["name": .string(user), "group": .string(group)])
            XCTAssertEqual(userKept, 2, "the probe, then the home/key/ageing checks")
            let cronMade = try await cost(CronModule(), ["name": "j", "user": .string(user), "job": "true"])
            XCTAssertEqual(cronMade, 2)
            let cronKept = try await cost(CronModule(), ["name": "j", "user": .string(user), "job": "true"])
            XCTAssertEqual(cronKept, 1)
            let fstab = try await cost(MountModule(), ["path": "/srv/q", "src": "/dev/q", "fstype": "ext4", "state": "present",
                                                       "fstab": .string(dir.file("fstab"))])
            XCTAssertEqual(fstab, 2)
            let fstabKept = try await cost(MountModule(), ["path": "/srv/q", "src": "/dev/q", "fstype": "ext4", "state": "present",
                                                           "fstab": .string(dir.file("fstab"))])
            XCTAssertEqual(fstabKept, 1)
            var check = c
            check.checkMode = true
            let before = counter.commands
            _ = try await check.run(HostnameModule(), ["name": "cost.test"])
            XCTAssertEqual(counter.commands - before, 1)
        }
    }
}
