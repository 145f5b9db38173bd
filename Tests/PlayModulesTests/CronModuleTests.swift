import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// `cron` on a real sshd host: a test user's crontab through `crontab -u`, and a cron file at a
/// scratch path; the crontab bytes and the results are held against ansible-playbook's.
final class CronModuleTests: SystemModuleTestCase {
    private func crontab(_ user: String) -> String {
        Self.shell("crontab -u \(user) -l 2>/dev/null").1
    }

    private func tasks(user: String, file: String) -> [AnsibleReference.Step] {
        [
            .init("cron", ["name": "backup", "user": .string(user), "minute": "5", "hour": "2", "job": "/usr/local/bin/backup --all"]),
            .init("cron", ["name": "backup", "user": .string(user), "minute": "5", "hour": "2", "job": "/usr/local/bin/backup --all"]),
            .init("cron", ["name": "PATH", "user": .string(user), "env": true, "job": "/usr/bin:/bin"]),
            .init("cron", ["name": "SHELL", "user": .string(user), "env": true, "job": "/bin/sh", "insertafter": "PATH"]),
            .init("cron", ["name": "boot", "user": .string(user), "special_time": "reboot", "job": "echo up", "disabled": true],
                  diff: true),
            .init("cron", ["name": "backup", "user": .string(user), "minute": "7", "hour": "2", "job": "/usr/local/bin/backup --all"],
                  check: true, diff: true),
            .init("cron", ["name": "boot", "user": .string(user), "state": "absent"]),
            .init("cron", ["name": "sweep", "user": .string(user), "cron_file": .string(file), "weekday": "1", "job": "rm -f /tmp/x"]),
            .init("cron", ["name": "sweep", "cron_file": .string(file), "state": "absent"], diff: true),
            .init("cron", ["name": "nojob", "user": .string(user)]),
        ]
    }

    func testCrontabMatchesAnsible() async throws {
        let ours = newUser(), theirs = newUser()
        let dir = try TemporaryDirectory()
        for user in [ours, theirs] { XCTAssertEqual(Self.shell("useradd -M \(user)").0, 0) }
        let reference = try AnsibleReference.run(tasks(user: theirs, file: dir.file("theirs.cron")))
        let theirCrontab = crontab(theirs)
        XCTAssertEqual(theirCrontab, """
            PATH="/usr/bin:/bin"
            SHELL="/bin/sh"
            #Ansible: backup
            5 2 * * * /usr/local/bin/backup --all

            """)
        try await withHost { h, _ in
            for (i, step) in tasks(user: ours, file: dir.file("ours.cron")).enumerated() {
                var harness = h
                harness.checkMode = step.check
                harness.diffMode = step.diff
                let mine = try await harness.run(CronModule(), step.args)
                let expected = reference[i]
                XCTAssertEqual(Set(mine.values.keys).subtracting(["failed"]), AnsibleReference.keys(expected), "task \(i)")
                for key in ["changed", "jobs", "envs", "msg", "state"] {
                    XCTAssertEqual(mine[key], expected[key], "task \(i) key \(key)")
                }
                if let diff = mine["diff"] {
                    for part in ["before", "after"] {
                        XCTAssertEqual(diff[part], expected["diff"]?[part].map { .string($0.renderedString.replacingOccurrences(of: theirs, with: ours)) },
                                       "task \(i) diff \(part)")
                    }
                }
                if i == 7 {
                    XCTAssertEqual(try String(contentsOfFile: dir.file("ours.cron"), encoding: .utf8), "#Ansible: sweep\n* * * * 1 \(ours) rm -f /tmp/x\n")
                    XCTAssertEqual(dir.mode("ours.cron"), 0o644)
                }
            }
        }
        XCTAssertEqual(crontab(ours), theirCrontab, "the same crontab bytes")
        XCTAssertFalse(dir.exists("ours.cron"), "a cron file left empty is removed")
        XCTAssertFalse(dir.exists("theirs.cron"))
    }

    func testAdoptsAnUnmarkedJobAndBacksUp() async throws {
        let user = newUser()
        XCTAssertEqual(Self.shell("useradd -M \(user) && printf '# mine\\n0 1 * * * /bin/true\\n' | crontab -u \(user) -").0, 0)
        try await withHost { h, _ in
            let adopted = try await h.run(CronModule(), ["name": "t", "user": .string(user), "minute": "0", "hour": "1", "job": "/bin/true",
                                                         "backup": true])
            XCTAssertTrue(adopted.changed)
            XCTAssertEqual(crontab(user), "# mine\n#Ansible: t\n0 1 * * * /bin/true\n")
            let backup = try XCTUnwrap(adopted.string("backup_file"))
            XCTAssertEqual(try String(contentsOfFile: backup, encoding: .utf8), "# mine\n0 1 * * * /bin/true\n")
            try? FileManager.default.removeItem(atPath: backup)
            let again = try await h.run(CronModule(), ["name": "t", "user": .string(user), "minute": "0", "hour": "1", "job": "/bin/true"])
            XCTAssertFalse(again.changed)
            let special = try await h.run(CronModule(), ["name": "t", "user": .string(user), "minute": "1", "special_time": "daily", "job": "x"])
            XCTAssertEqual(special.message, "You cannot combine special_time with any of the time or day/date parameters.")
        }
    }
}
