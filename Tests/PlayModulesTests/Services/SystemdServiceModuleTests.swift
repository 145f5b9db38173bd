import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// `systemd_service` with this machine's real systemctl (systemd 252), over the sshd fleet.
/// No systemd runs in this container, so systemctl works offline: enabling, disabling, masking
/// and `is-enabled` act on real unit files in /etc/systemd/system, and `state` fails as it does
/// for Ansible here. Only for the running state (`show`, `start`, `stop`...) does a stand-in
/// `systemctl` take the manager's place (`FakeSystemctl`); everything else it passes to the
/// real one.
final class SystemdServiceModuleTests: XCTestCase {
    private static let fleets = FleetRegistry()

    override class func setUp() {
        super.setUp()
        fleets.start("SystemdServiceModuleTests", hosts: 1)
    }

    override class func tearDown() {
        fleets.stop("SystemdServiceModuleTests")
        super.tearDown()
    }

    private func withHost(_ body: (ModuleHarness) async throws -> Void) async throws {
        try await Self.fleets.withFirstHost("SystemdServiceModuleTests") { harness, _ in try await body(harness) }
    }

    func testEnableDisableAndMaskWithTheRealSystemctlOffline() async throws {
        let unit = "play-pkgsvc-unit-\(getpid()).service"
        let ghost = "play-pkgsvc-ghost-\(getpid()).service"
        let unitFile = "/etc/systemd/system/\(unit)"
        let wants = "/etc/systemd/system/multi-user.target.wants/\(unit)"
        try "[Unit]\nDescription=play test unit\n[Service]\nExecStart=/bin/sleep 600\n[Install]\nWantedBy=multi-user.target\n"
            .write(toFile: unitFile, atomically: false, encoding: .utf8)
        defer {
            _ = SSHFleet.run(["/bin/sh", "-c", "systemctl disable \(unit) >/dev/null 2>&1; systemctl unmask \(ghost) >/dev/null 2>&1; rm -f \(unitFile) \(wants)"])
        }
        try await withHost { h in
            let enabled = try await h.run(SystemdServiceModule(), ["name": .string(unit), "enabled": true])
            XCTAssertEqual(enabled.values, ["name": .string(unit), "changed": true, "status": [:], "enabled": true])
            XCTAssertNotNil(try? FileManager.default.destinationOfSymbolicLink(atPath: wants), "systemctl enable made the link")
            let again = try await h.run(SystemdServiceModule(), ["unit": .string(unit), "enabled": true])
            XCTAssertFalse(again.changed)
            XCTAssertEqual(again["enabled"], true)

            var check = h
            check.checkMode = true
            let preview = try await check.run(SystemdServiceModule(), ["name": .string(unit), "enabled": false])
            XCTAssertEqual(preview["enabled"], false)
            XCTAssertTrue(preview.changed)
            XCTAssertNotNil(try? FileManager.default.destinationOfSymbolicLink(atPath: wants), "check mode changes nothing")
            let disabled = try await h.run(SystemdServiceModule(), ["service": .string(unit), "enabled": false])
            XCTAssertTrue(disabled.changed)
            XCTAssertNil(try? FileManager.default.destinationOfSymbolicLink(atPath: wants))

            let masked = try await h.run(SystemdServiceModule(), ["name": .string(ghost), "masked": true])
            XCTAssertTrue(masked.changed, "\(masked.values)")
            XCTAssertEqual(try? FileManager.default.destinationOfSymbolicLink(atPath: "/etc/systemd/system/\(ghost)"), "/dev/null",
                           "a unit that does not exist yet can be masked")
            let maskedAgain = try await h.run(SystemdServiceModule(), ["name": .string(ghost), "masked": true])
            XCTAssertFalse(maskedAgain.changed)
            let unmasked = try await h.run(SystemdServiceModule(), ["name": .string(ghost), "masked": false])
            XCTAssertTrue(unmasked.changed)
            XCTAssertFalse(FileManager.default.fileExists(atPath: "/etc/systemd/system/\(ghost)"))

            // As ansible-playbook reports on this machine (no systemd running, not a chroot).
            let state = try await h.run(SystemdServiceModule(), ["name": .string(unit), "state": "started"])
            XCTAssertEqual(state.values, ["status": [:], "failed": true, "msg": "Service is in unknown state", "changed": false])
            let reload = try await h.run(SystemdServiceModule(), ["daemon_reload": true])
            XCTAssertTrue(reload.message?.hasPrefix("failure 1 during daemon-reload: ") == true, reload.message ?? "")
            let missing = try await h.run(SystemdServiceModule(), ["name": "play-pkgsvc-absent.service", "enabled": true])
            XCTAssertEqual(missing.message, "Could not find the requested service play-pkgsvc-absent.service: host")
        }
    }

    func testRunningStateThroughTheManager() async throws {
        let fake = try FakeSystemctl(unit: "play-pkgsvc-web.service")
        try await withHost { h in
            var h = h
            h.environment = fake.environment
            let started = try await h.run(SystemdServiceModule(), ["name": "play-pkgsvc-web.service", "state": "started"])
            XCTAssertTrue(started.changed, "\(started.values)")
            XCTAssertEqual(started["state"], "started")
            let status = try XCTUnwrap(started["status"]?.dictValue)
            XCTAssertEqual(status["ActiveState"], "inactive", "the status is the unit's before the change, as Ansible's")
            XCTAssertEqual(status["SubState"], "dead")
            XCTAssertEqual(status["LoadState"], "loaded")
            XCTAssertEqual(status["ExecStart"], "{ path=/bin/sleep ; argv[]=/bin/sleep 600 ;\n  ignore_errors=no }",
                           "a value in braces spans lines")
            XCTAssertEqual(fake.actions, ["start"])

            let again = try await h.run(SystemdServiceModule(), ["name": "play-pkgsvc-web.service", "state": "started"])
            XCTAssertFalse(again.changed)
            XCTAssertEqual(again["status"]?["ActiveState"], "active")
            var check = h
            check.checkMode = true
            let preview = try await check.run(SystemdServiceModule(), ["name": "play-pkgsvc-web.service", "state": "stopped"])
            XCTAssertTrue(preview.changed)
            XCTAssertEqual(fake.actions, ["start"], "check mode runs nothing")
            let reloaded = try await h.run(SystemdServiceModule(), ["name": "play-pkgsvc-web.service", "state": "reloaded",
                                                                     "no_block": true])
            XCTAssertEqual(reloaded["state"], "started")
            let restarted = try await h.run(SystemdServiceModule(), ["name": "play-pkgsvc-web.service", "state": "restarted"])
            XCTAssertTrue(restarted.changed)
            let stopped = try await h.run(SystemdServiceModule(), ["name": "play-pkgsvc-web.service", "state": "stopped"])
            XCTAssertTrue(stopped.changed)
            XCTAssertEqual(fake.actions, ["start", "--no-block reload", "restart", "stop"])
            XCTAssertEqual(fake.activeState, "inactive")

            // `service` hands a systemd host to the same logic, with systemd_service's result.
            h.variables = ["ansible_facts": ["service_mgr": "systemd"]]
            let viaService = try await h.run(ServiceModule(), ["name": "play-pkgsvc-web.service", "state": "started", "sleep": 2])
            XCTAssertTrue(viaService.changed)
            XCTAssertEqual(viaService["status"]?["ActiveState"], "inactive")
            XCTAssertEqual(viaService["warnings"], ["Ignoring \"sleep\" as it is not used in \"systemd\""])
        }
        let glob = try await ModuleHarness().run(SystemdServiceModule(), ["name": "web*", "state": "started"])
        XCTAssertEqual(glob.message, "This module does not currently support using glob patterns, found '*' in service name: web*")
        XCTAssertNotNil(ModuleHarness().argumentError(SystemdServiceModule(), ["name": "x"]), "one of state, enabled... is required")
        XCTAssertEqual(BuiltinModules.registry().spec(named: "systemd")?.name, "systemd_service")
    }
}
