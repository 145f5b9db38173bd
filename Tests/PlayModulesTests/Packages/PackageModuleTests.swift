import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// `package` over the sshd fleet: without facts it finds apt on this machine and does apt's
/// work in the same command; with an `ansible_pkg_mgr`/`ansible_facts.pkg_mgr` of dnf it runs
/// dnf (into a scratch install root), whatever the target has.
final class PackageModuleTests: XCTestCase {
    private static let fleets = FleetRegistry()
    private static let name = "play-pkgsvc-generic"

    override class func setUp() {
        super.setUp()
        fleets.start("PackageModuleTests", hosts: 1)
    }

    override class func tearDown() {
        LocalAptRepository.purge([name])
        fleets.stop("PackageModuleTests")
        super.tearDown()
    }

    private func withHost(_ body: (ModuleHarness, CountingConnection) async throws -> Void) async throws {
        try await Self.fleets.withFirstHost("PackageModuleTests", body)
    }

    func testFindsAptOnTheTargetInTheSameCommand() async throws {
        LocalAptRepository.purge([Self.name])
        let repo = try LocalAptRepository()
        try repo.build(Self.name, "1.0")
        try repo.index()
        try await withHost { h, counter in
            var h = h
            h.environment = repo.environment
            _ = try await h.run(AptModule(), ["update_cache": true])
            let before = counter.commands
            let installed = try await h.run(PackageModule(), ["name": .string(Self.name), "state": "present"])
            XCTAssertTrue(installed.changed, "\(installed.values)")
            XCTAssertNotNil(installed["cache_update_time"], "apt's result")
            XCTAssertEqual(counter.commands - before, 1, "probe and install in one command")
            XCTAssertEqual(LocalAptRepository.installedVersion(Self.name), "1.0")
            let explicit = try await h.run(PackageModule(), ["name": .string(Self.name), "state": "present", "use": "apt"])
            XCTAssertFalse(explicit.changed)
            let wrongArgument = try await h.run(PackageModule(), ["name": .string(Self.name), "state": "absent", "installroot": "/x"])
            XCTAssertTrue(wrongArgument.failed, "apt has no installroot")
            XCTAssertTrue(wrongArgument.message?.contains("installroot") == true, wrongArgument.message ?? "")
            let removed = try await h.run(PackageModule(), ["name": .string(Self.name), "state": "absent"])
            XCTAssertTrue(removed.changed)
            XCTAssertNil(LocalAptRepository.installedVersion(Self.name))
        }
    }

    func testFollowsThePackageManagerFact() async throws {
        let repo = try LocalRpmRepository()
        try repo.build("play-pkgsvc-generic", "1.0")
        try repo.index()
        try await withHost { h, _ in
            var h = h
            h.variables = ["ansible_facts": ["pkg_mgr": "dnf"]]
            let args: OrderedDictionary<String, Value> = [
                "name": "play-pkgsvc-generic", "state": "present", "installroot": .string(repo.root),
                "conf_file": .string(repo.confFile), "releasever": "1"]
            let installed = try await h.run(PackageModule(), args)
            XCTAssertEqual(installed["results"], ["Installed: play-pkgsvc-generic-1.0-1.noarch"], "\(installed.values)")
            XCTAssertEqual(repo.installed(), ["play-pkgsvc-generic-1.0-1.noarch"])
            h.variables = ["ansible_pkg_mgr": "yum"]
            let again = try await h.run(PackageModule(), args)
            XCTAssertEqual(again.message, "Nothing to do")
            h.variables = ["ansible_pkg_mgr": "zypper"]
            let unknown = try await h.run(PackageModule(), args)
            XCTAssertEqual(unknown.message, "Could not find a matching action for the \"zypper\" package manager.")
            h.variables = ["ansible_pkg_mgr": "zypper", "ansible_package_use": "dnf"]
            let configured = try await h.run(PackageModule(), args)
            XCTAssertEqual(configured.message, "Nothing to do", "ansible_package_use comes first")
        }
    }
}
