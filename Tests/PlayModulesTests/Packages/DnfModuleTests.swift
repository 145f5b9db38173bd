import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// `dnf` (and its `yum` name) with the real dnf and rpm of this machine, through the sshd
/// fleet, on RPMs built in the test and installed into a scratch `installroot`.
final class DnfModuleTests: XCTestCase {
    private static let fleets = FleetRegistry()

    override class func setUp() {
        super.setUp()
        fleets.start("DnfModuleTests", hosts: 1)
    }

    override class func tearDown() {
        fleets.stop("DnfModuleTests")
        super.tearDown()
    }

    private func withHost(_ body: (ModuleHarness) async throws -> Void) async throws {
        try await Self.fleets.withFirstHost("DnfModuleTests") { harness, _ in try await body(harness) }
    }

    func testInstallUpgradeAndRemoveInAnInstallRoot() async throws {
        let repo = try LocalRpmRepository()
        try repo.build("play-pkgsvc-dep", "1.0")
        try repo.build("play-pkgsvc-hello", "1.0", requires: "play-pkgsvc-dep")
        try repo.index()
        let common: OrderedDictionary<String, Value> = ["installroot": .string(repo.root), "conf_file": .string(repo.confFile),
                                                        "releasever": "1", "disable_gpg_check": true]
        func args(_ extra: OrderedDictionary<String, Value>) -> OrderedDictionary<String, Value> {
            common.merging(extra) { $1 }
        }
        try await withHost { h in
            var check = h
            check.checkMode = true
            let preview = try await check.run(DnfModule(), args(["name": "play-pkgsvc-hello"]))
            XCTAssertTrue(preview.changed, "\(preview.values)")
            XCTAssertEqual(preview.message, "Check mode: No changes made, but would have if not in check mode")
            XCTAssertEqual(Set(preview["results"]?.listValue?.compactMap(\.stringValue) ?? []),
                           ["Installed: play-pkgsvc-hello-1.0-1.noarch", "Installed: play-pkgsvc-dep-1.0-1.noarch"])
            XCTAssertEqual(repo.installed(), [])

            let installed = try await h.run(DnfModule(), args(["name": "play-pkgsvc-hello", "state": "installed"]))
            XCTAssertEqual(installed.values, ["msg": "", "changed": true,
                                              "results": ["Installed: play-pkgsvc-dep-1.0-1.noarch",
                                                          "Installed: play-pkgsvc-hello-1.0-1.noarch"], "rc": 0])
            XCTAssertEqual(repo.installed(), ["play-pkgsvc-dep-1.0-1.noarch", "play-pkgsvc-hello-1.0-1.noarch"])
            let again = try await h.run(DnfModule(), args(["name": "play-pkgsvc-hello"]))
            XCTAssertEqual(again.values, ["msg": "Nothing to do", "changed": false, "results": [], "rc": 0])

            try repo.build("play-pkgsvc-hello", "2.0", requires: "play-pkgsvc-dep")
            try repo.index()
            let present = try await h.run(DnfModule(), args(["name": "play-pkgsvc-hello", "update_cache": true]))
            XCTAssertFalse(present.changed, "present keeps the installed version")
            let latest = try await h.run(DnfModule(), args(["name": "play-pkgsvc-hello", "state": "latest"]))
            XCTAssertEqual(latest["results"], ["Installed: play-pkgsvc-hello-2.0-1.noarch", "Removed: play-pkgsvc-hello-1.0-1.noarch"])
            XCTAssertEqual(repo.installed(), ["play-pkgsvc-dep-1.0-1.noarch", "play-pkgsvc-hello-2.0-1.noarch"])

            let listed = try await h.run(DnfModule(), args(["list": "installed"]))
            XCTAssertEqual(listed["results"]?.listValue?.compactMap { $0["envra"]?.stringValue }.sorted(),
                           ["0:play-pkgsvc-dep-1.0-1.noarch", "0:play-pkgsvc-hello-2.0-1.noarch"])
            XCTAssertEqual(listed["results"]?[0]?["yumstate"], "installed")
            XCTAssertEqual(listed["results"]?[0]?["repo"], "@System")
            let spec = try await h.run(DnfModule(), args(["list": "play-pkgsvc-hello-1.0"]))
            XCTAssertEqual(spec["results"], [["name": "play-pkgsvc-hello", "arch": "noarch", "epoch": "0", "release": "1",
                                              "version": "1.0", "repo": "local", "envra": "0:play-pkgsvc-hello-1.0-1.noarch",
                                              "nevra": "0:play-pkgsvc-hello-1.0-1.noarch", "yumstate": "available"]])
            let repos = try await h.run(DnfModule(), args(["list": "repos"]))
            XCTAssertEqual(repos.values, ["msg": "", "results": [["repoid": "local", "state": "enabled"]]])

            let missing = try await h.run(DnfModule(), args(["name": "play-pkgsvc-nothing"]))
            XCTAssertTrue(missing.failed)
            XCTAssertEqual(missing.message, "Failed to install some of the specified packages")
            XCTAssertEqual(missing["failures"]?.listValue?.first, "No package play-pkgsvc-nothing available.")

            let local = try repo.build("play-pkgsvc-local", "0.5", inRepository: false)
            let file = try await h.run(DnfModule(), args(["name": .string(local)]))
            XCTAssertEqual(file["results"], ["Installed: play-pkgsvc-local-0.5-1.noarch"])
            let fileAgain = try await h.run(DnfModule(), args(["name": .string(local)]))
            XCTAssertFalse(fileAgain.changed, "the file's package is installed")

            let removePreview = try await check.run(DnfModule(), args(["name": ["play-pkgsvc-hello", "play-pkgsvc-local"], "state": "absent"]))
            XCTAssertTrue(removePreview.changed)
            XCTAssertEqual(repo.installed().count, 3)
            let removed = try await h.run(DnfModule(), args(["name": ["play-pkgsvc-hello", "play-pkgsvc-local"], "state": "removed"]))
            XCTAssertEqual(Set(removed["results"]?.listValue?.compactMap(\.stringValue) ?? []),
                           ["Removed: play-pkgsvc-hello-2.0-1.noarch", "Removed: play-pkgsvc-local-0.5-1.noarch"])
            XCTAssertEqual(repo.installed(), ["play-pkgsvc-dep-1.0-1.noarch"])
            let removedAgain = try await h.run(DnfModule(), args(["name": "play-pkgsvc-hello", "state": "absent"]))
            XCTAssertEqual(removedAgain.message, "Nothing to do")
        }
    }

    func testYumIsTheSameModule() {
        let registry = BuiltinModules.registry()
        XCTAssertEqual(registry.spec(named: "yum")?.name, "dnf")
        XCTAssertNotNil(ModuleHarness().argumentError(DnfModule(), ["name": "a", "list": "installed"]), "mutually exclusive")
        XCTAssertNil(ModuleHarness().argumentError(DnfModule(), ["pkg": "a", "expire-cache": true]))
    }
}
