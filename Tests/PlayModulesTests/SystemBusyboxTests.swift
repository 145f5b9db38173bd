import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// The system modules' scripts on a busybox target: every command runs under `busybox sh`
/// with only busybox's applets on PATH (no getent, no GNU options), plus the account tools such
/// a target would have (shadow's useradd family, ssh-keygen; Debian's busybox has no adduser
/// applet, and this one has no crontab either: Debian cron's is linked in).
final class SystemBusyboxTests: XCTestCase {
    private var applets: TemporaryDirectory!
    private var harness = ModuleHarness()
    private var users: [String] = []
    private var groups: [String] = []

    override func setUpWithError() throws {
        let busybox = try BusyboxConnection.withApplets()
        applets = busybox.applets
        for tool in ["useradd", "usermod", "userdel", "groupadd", "groupmod", "groupdel", "chage", "ssh-keygen", "crontab"] {
            let found = SystemModuleTestCase.shell("command -v \(tool)").1.trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertFalse(found.isEmpty, "\(tool) is missing")
            try FileManager.default.createSymbolicLink(atPath: applets.file(tool), withDestinationPath: found)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: applets.file("getent")), "busybox has no getent: the scripts read /etc")
        harness.connection = busybox.connection
    }

    override func tearDown() {
        for user in users { SystemModuleTestCase.removeUser(user) }
        for group in groups { SystemModuleTestCase.shell("groupdel \(group) 2>/dev/null") }
        applets = nil  // XCTest keeps test case objects to the end: the directory goes now
        harness = ModuleHarness()
        super.tearDown()
    }

    func testAccountsAndCrontab() async throws {
        let user = AnsibleReference.uniqueName(), group = AnsibleReference.uniqueName("playtestg_")
        users.append(user); groups.append(group)
        let dir = try TemporaryDirectory()
        let madeGroup = try await harness.run(GroupModule(), ["name": .string(group), "gid": 48300])
        XCTAssertEqual(madeGroup["gid"], 48300, "\(madeGroup.values)")
        let made = try await harness.run(UserModule(), ["name": .string(user), "home": .string(dir.file("home")), "groups": [.string(group)],
                                                        "generate_ssh_key": true, "ssh_key_type": "ed25519", "password_expire_max": 90])
        XCTAssertFalse(made.failed, "\(made.values)")
        XCTAssertEqual(made["home"], .string(dir.file("home")))
        XCTAssertEqual(made.string("ssh_public_key")?.hasPrefix("ssh-ed25519 "), true)
        XCTAssertEqual(made.string("ssh_public_key")?.contains("ansible-generated on "), true, "the default comment names the host")
        XCTAssertEqual(SystemModuleTestCase.entry("shadow", user).split(separator: ":", omittingEmptySubsequences: false)[4], "90")
        XCTAssertTrue(SystemModuleTestCase.entry("group", group).hasSuffix(":\(user)"))
        let again = try await harness.run(UserModule(), ["name": .string(user), "home": .string(dir.file("home")),
                                                         "groups": [.string(group)], "password_expire_max": 90])
        XCTAssertFalse(again.changed, "\(again.values)")

        let cron = try await harness.run(CronModule(), ["name": "tick", "user": .string(user), "minute": "*/5", "job": "date"])
        XCTAssertTrue(cron.changed, "\(cron.values)")
        XCTAssertEqual(SystemModuleTestCase.shell("crontab -u \(user) -l").1, "#Ansible: tick\n*/5 * * * * date\n")
        let cronAgain = try await harness.run(CronModule(), ["name": "tick", "user": .string(user), "minute": "*/5", "job": "date"])
        XCTAssertFalse(cronAgain.changed)
        XCTAssertEqual(cronAgain["jobs"], ["tick"])

        let keys = try await harness.run(AuthorizedKeyModule(), ["user": .string(user), "key": .string(made.string("ssh_public_key") ?? "")])
        XCTAssertTrue(keys.changed, "\(keys.values)")
        XCTAssertEqual(SystemModuleTestCase.shell("stat -c '%U %a' \(dir.file("home/.ssh/authorized_keys"))").1, "\(user) 600\n")

        let removed = try await harness.run(UserModule(), ["name": .string(user), "state": "absent", "remove": true])
        XCTAssertTrue(removed.changed)
        XCTAssertEqual(SystemModuleTestCase.entry("passwd", user), "")
        let groupGone = try await harness.run(GroupModule(), ["name": .string(group), "state": "absent"])
        XCTAssertTrue(groupGone.changed)
    }

    func testFilesAndHostname() async throws {
        let dir = try TemporaryDirectory()
        let key = SystemModuleTestCase.shell("ssh-keygen -q -t ed25519 -N '' -f \(dir.file("k")) && cut -d' ' -f1,2 \(dir.file("k.pub"))").1
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let known = try await harness.run(KnownHostsModule(), ["name": "box.test", "key": .string("box.test " + key),
                                                               "path": .string(dir.file("kh"))])
        XCTAssertTrue(known.changed, "\(known.values)")
        XCTAssertEqual(known["mode"], "0644")
        XCTAssertEqual(dir.read("kh"), "box.test \(key)\n")
        let knownAgain = try await harness.run(KnownHostsModule(), ["name": "box.test", "key": .string("box.test " + key),
                                                                    "path": .string(dir.file("kh"))])
        XCTAssertFalse(knownAgain.changed)

        let fstab = dir.file("fstab")
        let present = try await harness.run(MountModule(), ["path": "/srv/x", "src": "/dev/vdb", "fstype": "ext4", "state": "present",
                                                            "fstab": .string(fstab)])
        XCTAssertTrue(present.changed, "\(present.values)")
        XCTAssertEqual(dir.read("fstab"), "/dev/vdb /srv/x ext4 defaults 0 0\n")
        let absent = try await harness.run(MountModule(), ["path": "/srv/x", "state": "absent", "fstab": .string(fstab)])
        XCTAssertTrue(absent.changed)
        XCTAssertEqual(dir.read("fstab"), "")

        var check = harness
        check.checkMode = true
        let name = try await check.run(HostnameModule(), ["name": "busybox-host.test"])
        XCTAssertTrue(name.changed, "\(name.values)")
        XCTAssertEqual(name["ansible_facts"]?["ansible_domain"] != nil, true)
    }
}
