import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// `apt` against this machine's real apt and dpkg through the sshd fleet: packages built with
/// dpkg-deb in a scratch repository (no network) are installed, upgraded, pinned to a version
/// and removed for real, and removed again at the end. Check mode runs `apt-get --simulate`.
final class AptModuleTests: XCTestCase {
    private static let fleets = FleetRegistry()
    private static let hello = "play-pkgsvc-hello"
    private static let dep = "play-pkgsvc-dep"

    override class func setUp() {
        super.setUp()
        fleets.start("AptModuleTests", hosts: 1)
    }

    override class func tearDown() {
        LocalAptRepository.purge([hello, dep])
        fleets.stop("AptModuleTests")
        super.tearDown()
    }

    private func withHost(_ body: (ModuleHarness, CountingConnection) async throws -> Void) async throws {
        try await Self.fleets.withFirstHost("AptModuleTests", body)
    }

    func testInstallPinUpgradeAndRemoveFromARepository() async throws {
        LocalAptRepository.purge([Self.hello, Self.dep])
        let repo = try LocalAptRepository()
        try repo.build(Self.dep, "1.0")
        try repo.build(Self.hello, "1.0", depends: Self.dep)
        try repo.build(Self.hello, "2.0", depends: Self.dep)
        try repo.index()
        try await withHost { h, counter in
            var h = h
            h.environment = repo.environment
            let cache = try await h.run(AptModule(), ["update_cache": true])
            XCTAssertEqual(cache["cache_updated"], true, "\(cache.values)")
            XCTAssertEqual(cache.changed, true)
            XCTAssertEqual(Set(cache.values.keys), ["changed", "cache_updated", "cache_update_time"])
            let fresh = try await h.run(AptModule(), ["update_cache": true, "cache_valid_time": 3600])
            XCTAssertEqual(fresh["cache_updated"], false, "the lists are younger than an hour")
            XCTAssertFalse(fresh.changed)

            let pinned = try await h.run(AptModule(), ["name": .string("\(Self.hello)=1.0"), "install_recommends": false])
            XCTAssertFalse(pinned.failed, "\(pinned.values)")
            XCTAssertTrue(pinned.changed)
            XCTAssertEqual(LocalAptRepository.installedVersion(Self.hello), "1.0")
            XCTAssertEqual(LocalAptRepository.installedVersion(Self.dep), "1.0", "the dependency came along")
            XCTAssertTrue(pinned.string("stdout")?.contains("Setting up \(Self.hello) (1.0)") == true, pinned.string("stdout") ?? "")
            // The keys ansible-playbook 2.19 registers for an install (compared by hand with -c local).
            XCTAssertEqual(Array(pinned.values.keys), ["changed", "stdout", "stderr", "diff", "cache_updated", "cache_update_time",
                                                        "stdout_lines", "stderr_lines"])
            XCTAssertEqual(pinned["diff"], .dict([:]), "Ansible returns an empty diff without --diff")
            XCTAssertEqual(counter.commands, 3, "one command a task")

            XCTAssertEqual(SSHFleet.run(["apt-mark", "showauto", Self.dep]).1, "\(Self.dep)\n", "came as a dependency")
            let manual = try await h.run(AptModule(), ["name": .string(Self.dep)])
            XCTAssertFalse(manual.changed)
            XCTAssertEqual(SSHFleet.run(["apt-mark", "showmanual", Self.dep]).1, "\(Self.dep)\n", "named, so now manual, as Ansible leaves it")
            let present = try await h.run(AptModule(), ["pkg": .list([.string(Self.hello)])])
            XCTAssertFalse(present.changed, "installed already, an older version is fine for present")
            XCTAssertEqual(Set(present.values.keys), ["changed", "cache_updated", "cache_update_time"])

            var check = h
            check.checkMode = true
            check.diffMode = true
            let preview = try await check.run(AptModule(), ["name": .string(Self.hello), "state": "latest"])
            XCTAssertTrue(preview.changed)
            XCTAssertEqual(LocalAptRepository.installedVersion(Self.hello), "1.0", "check mode only simulates")
            XCTAssertEqual(preview["diff"]?["prepared"]?.stringValue,
                           "The following packages will be upgraded:\n  \(Self.hello)\n1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.")

            let upgradePreview = try await check.run(AptModule(), ["upgrade": "dist"])
            XCTAssertTrue(upgradePreview.changed, "\(upgradePreview.values)")
            XCTAssertTrue(upgradePreview.message?.contains("Inst \(Self.hello) [1.0] (2.0") == true, "apt-get --simulate dist-upgrade")
            XCTAssertEqual(LocalAptRepository.installedVersion(Self.hello), "1.0")
            let everything = try await check.run(AptModule(), ["name": "*", "state": "latest"])
            XCTAssertTrue(everything.changed, "name '*' with latest upgrades all: \(everything.values)")
            XCTAssertEqual(LocalAptRepository.installedVersion(Self.hello), "1.0")

            let latest = try await h.run(AptModule(), ["name": .string(Self.hello), "state": "latest"])
            XCTAssertTrue(latest.changed)
            XCTAssertEqual(LocalAptRepository.installedVersion(Self.hello), "2.0")
            let latestAgain = try await h.run(AptModule(), ["name": .string(Self.hello), "state": "latest"])
            XCTAssertFalse(latestAgain.changed)

            let downgrade = try await h.run(AptModule(), ["name": .string("\(Self.hello)=1.*"), "allow_downgrade": true])
            XCTAssertTrue(downgrade.changed, "\(downgrade.values)")
            XCTAssertEqual(LocalAptRepository.installedVersion(Self.hello), "1.0", "the wildcard picked 1.0")

            let missing = try await h.run(AptModule(), ["name": "play-pkgsvc-no-such-package"])
            XCTAssertTrue(missing.failed)
            XCTAssertEqual(missing.message, "No package matching 'play-pkgsvc-no-such-package' is available")
            let noVersion = try await h.run(AptModule(), ["name": .string("\(Self.hello)=9.9")])
            XCTAssertEqual(noVersion.message, "no available installation candidate for \(Self.hello)=9.9")

            let removePreview = try await check.run(AptModule(), ["name": .string(Self.hello), "state": "absent"])
            XCTAssertTrue(removePreview.changed)
            XCTAssertEqual(LocalAptRepository.installedVersion(Self.hello), "1.0")
            let removed = try await h.run(AptModule(), ["name": .list([.string(Self.hello), .string(Self.dep)]),
                                                        "state": "absent", "purge": true])
            XCTAssertTrue(removed.changed)
            XCTAssertEqual(Array(removed.values.keys), ["changed", "stdout", "stderr", "diff", "stdout_lines", "stderr_lines"],
                           "Ansible's removal result has no cache keys")
            XCTAssertNil(LocalAptRepository.installedVersion(Self.hello))
            XCTAssertNil(LocalAptRepository.installedVersion(Self.dep))
            let removedAgain = try await h.run(AptModule(), ["name": .string(Self.hello), "state": "absent"])
            XCTAssertEqual(removedAgain.values, ["changed": false])
        }
    }

    func testLocalDebFileWithItsDependency() async throws {
        let name = "play-pkgsvc-local"
        LocalAptRepository.purge([name, Self.dep])
        let repo = try LocalAptRepository()
        try repo.build(Self.dep, "1.0")
        try repo.index()
        let deb = try repo.build(name, "3.1", depends: Self.dep, inRepository: false)
        try await withHost { h, _ in
            var h = h
            h.environment = repo.environment
            _ = try await h.run(AptModule(), ["update_cache": true])
            var check = h
            check.checkMode = true
            let preview = try await check.run(AptModule(), ["deb": .string(deb)])
            XCTAssertTrue(preview.changed, "\(preview.values)")
            XCTAssertNil(LocalAptRepository.installedVersion(name))
            let installed = try await h.run(AptModule(), ["deb": .string(deb)])
            XCTAssertTrue(installed.changed, "\(installed.values)")
            XCTAssertEqual(LocalAptRepository.installedVersion(name), "3.1")
            XCTAssertEqual(LocalAptRepository.installedVersion(Self.dep), "1.0", "apt installed what the .deb depends on")
            let again = try await h.run(AptModule(), ["deb": .string(deb)])
            XCTAssertFalse(again.changed)
            let wrongState = try await h.run(AptModule(), ["deb": .string(deb), "state": "absent"])
            XCTAssertEqual(wrongState.message, "deb only supports state=present")
            let removed = try await h.run(AptModule(), ["name": .list([.string(name), .string(Self.dep)]), "state": "absent"])
            XCTAssertTrue(removed.changed)
            XCTAssertNil(LocalAptRepository.installedVersion(name))
        }
    }

    func testPolicyRcDIsInPlaceDuringTheInstallOnly() async throws {
        let name = "play-pkgsvc-policy"
        LocalAptRepository.purge([name])
        defer { LocalAptRepository.purge([name]) }
        let repo = try LocalAptRepository()
        let seen = repo.directory.file("seen")
        let deb = try repo.build(name, "1.0", postinst: "cat /usr/sbin/policy-rc.d > \(seen) 2>/dev/null || echo none > \(seen)",
                                 inRepository: false)
        let before = try? Data(contentsOf: URL(fileURLWithPath: "/usr/sbin/policy-rc.d"))
        try await withHost { h, _ in
            let installed = try await h.run(AptModule(), ["deb": .string(deb), "policy_rc_d": 0])
            XCTAssertTrue(installed.changed, "\(installed.values)")
        }
        XCTAssertEqual(repo.directory.read("seen"), "#!/bin/sh\nexit 0\n", "the package's scripts saw the policy")
        XCTAssertEqual(try? Data(contentsOf: URL(fileURLWithPath: "/usr/sbin/policy-rc.d")), before, "the host's own policy is back")
    }

    func testArgumentsAsAnsibleChecksThem() async throws {
        var check = ModuleHarness()
        check.checkMode = true
        let clean = try await check.run(AptModule(), ["clean": true])
        XCTAssertEqual(clean.values, ["changed": true, "msg": "", "stdout": "", "stderr": "", "diff": [:],
                                      "stdout_lines": [], "stderr_lines": []], "ansible-playbook's keys and values")
        let nothing = try await check.run(AptModule(), ["purge": true])
        XCTAssertEqual(Array(nothing.values.keys), ["changed", "cache_updated", "cache_update_time"],
                       "no name is no error for Ansible either")
        let h = ModuleHarness()
        XCTAssertNotNil(h.argumentError(AptModule(), ["name": "a", "deb": "/x.deb"]))
        XCTAssertNotNil(h.argumentError(AptModule(), ["name": "a", "state": "installed"]))
        XCTAssertNil(h.argumentError(AptModule(), ["pkg": "a", "update-cache": true, "allow-downgrades": true]))
        XCTAssertEqual(PackageSpec("nginx=1.22*"), PackageSpec(name: "nginx", comparison: .equal, version: "1.22*"))
        XCTAssertEqual(PackageSpec("nginx>=1.22"), PackageSpec(name: "nginx", comparison: .atLeast, version: "1.22"))
        XCTAssertEqual(PackageSpec.list(["a,b", " c "]).map(\.name), ["a", "b", "c"])
    }
}
