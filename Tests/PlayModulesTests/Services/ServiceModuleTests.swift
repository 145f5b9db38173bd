import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// `service` on this machine, which runs no systemd: the module finds no /run/systemd/system
/// and drives a real /etc/init.d script, through `service` and `update-rc.d` over the sshd
/// fleet, and through the script itself on a busybox-only PATH.
final class ServiceModuleTests: XCTestCase {
    private static let fleets = FleetRegistry()

    override class func setUp() {
        super.setUp()
        fleets.start("ServiceModuleTests", hosts: 1)
    }

    override class func tearDown() {
        fleets.stop("ServiceModuleTests")
        super.tearDown()
    }

    func testStartStopRestartReloadAndEnableThroughServiceAndUpdateRcD() async throws {
        let svc = try InitScriptService("play-pkgsvc-sysv")
        defer { svc.remove() }
        try await Self.fleets.withFirstHost("ServiceModuleTests") { h, _ in
            let started = try await h.run(ServiceModule(), ["name": .string(svc.name), "state": "started"])
            XCTAssertEqual(started.values, ["name": .string(svc.name), "state": "started", "changed": true])
            let pid = try XCTUnwrap(svc.pid, "the daemon runs")
            let again = try await h.run(ServiceModule(), ["name": .string(svc.name), "state": "started"])
            XCTAssertFalse(again.changed)

            var check = h
            check.checkMode = true
            let preview = try await check.run(ServiceModule(), ["name": .string(svc.name), "state": "stopped"])
            XCTAssertEqual(preview.values, ["changed": true, "msg": "service state changed"])
            XCTAssertEqual(svc.pid, pid, "check mode leaves it running")

            let reloaded = try await h.run(ServiceModule(), ["name": .string(svc.name), "state": "reloaded", "arguments": "now"])
            XCTAssertTrue(reloaded.changed)
            XCTAssertEqual(svc.log.last, "reload now", "the arguments follow the action")
            let restarted = try await h.run(ServiceModule(), ["name": .string(svc.name), "state": "restarted"])
            XCTAssertTrue(restarted.changed)
            XCTAssertEqual(Array(svc.log.suffix(2)), ["stop", "start"], "restart is stop then start, as Ansible does it")
            XCTAssertNotEqual(svc.pid, pid)

            let enabled = try await h.run(ServiceModule(), ["name": .string(svc.name), "enabled": true])
            XCTAssertEqual(enabled.values, ["name": .string(svc.name), "enabled": true, "changed": true])
            XCTAssertFalse(svc.startLinks.isEmpty, "update-rc.d made the start links")
            let enabledAgain = try await h.run(ServiceModule(), ["name": .string(svc.name), "enabled": true])
            XCTAssertFalse(enabledAgain.changed)
            let disabled = try await h.run(ServiceModule(), ["name": .string(svc.name), "enabled": false, "state": "stopped"])
            XCTAssertEqual(disabled.values, ["name": .string(svc.name), "enabled": false, "state": "stopped", "changed": true])
            XCTAssertEqual(svc.startLinks, [])
            XCTAssertNil(svc.pid)

            let byPattern = try await h.run(ServiceModule(), ["name": .string(svc.name), "state": "stopped", "pattern": "sleep 600"])
            XCTAssertFalse(byPattern.changed, "no such process: nothing to stop")
            let missing = try await h.run(ServiceModule(), ["name": "play-pkgsvc-no-such-service", "state": "started"])
            XCTAssertTrue(missing.failed)
        }
    }

    func testBusyboxRunsTheInitScriptItself() async throws {
        let (connection, applets) = try BusyboxConnection.withApplets()
        XCTAssertFalse(FileManager.default.fileExists(atPath: applets.file("service")), "busybox has no `service`")
        let svc = try InitScriptService("play-pkgsvc-bb")
        defer { svc.remove() }
        var h = ModuleHarness()
        h.connection = connection
        let started = try await h.run(ServiceModule(), ["name": .string(svc.name), "state": "started", "use": "sysvinit"])
        XCTAssertEqual(started.values, ["name": .string(svc.name), "state": "started", "changed": true])
        XCTAssertNotNil(svc.pid)
        let byPattern = try await h.run(ServiceModule(), ["name": .string(svc.name), "state": "started", "pattern": "sleep 600"])
        XCTAssertFalse(byPattern.changed, "busybox ps found the daemon")
        let stopped = try await h.run(ServiceModule(), ["name": .string(svc.name), "state": "stopped"])
        XCTAssertTrue(stopped.changed)
        XCTAssertNil(svc.pid)
        let enable = try await h.run(ServiceModule(), ["name": .string(svc.name), "enabled": true])
        XCTAssertEqual(enable.message, "cannot detect command to enable service \(svc.name), typo or init system potentially unknown")
    }
}
