import Foundation
import PlayBase
@testable import PlayModules
import PlayTestSupport
import XCTest

/// community.general.apk's decisions as data (facts in, the `apk` command out): Alpine's apk
/// cannot run on this Debian machine and no package of it exists here, so the target side is
/// covered by parsing recorded apk output and by checking the facts script is valid `sh`.
final class ApkPlanTests: XCTestCase {
    private func records(_ pairs: [(String, String)]) -> ScriptRecords {
        var data = Data()
        for (k, v) in pairs { data.append(Data("\(k)=\(v)".utf8)); data.append(0) }
        return ScriptRecords(data)
    }

    func testInstallOnlyWhatTheWorldLacks() {
        var plan = ApkPlan()
        plan.names = ["curl", "git", "jq"]
        let facts = plan.facts(records([("world", "alpine-base\ncurl\ngit=2.40.1-r0\n"), ("done", "1")]))
        XCTAssertEqual(facts.world, ["alpine-base", "curl", "git=2.40.1-r0"])
        XCTAssertEqual(plan.step(facts), .run(command: ["apk", "add", "jq"], message: "installed ['jq'] package(s)",
                                              failure: "failed to install ['jq']", verify: []))
        plan.names = ["curl"]
        XCTAssertEqual(plan.step(facts), .done(changed: false, message: "package(s) already installed"))
        XCTAssertFalse(ApkPlan.inWorld("cur", facts.world), "a prefix is not the package")
        XCTAssertTrue(ApkPlan.inWorld("git", facts.world), "a pinned world entry counts")
    }

    func testLatestUpgradesOutdatedPackagesAndVirtualDependencies() {
        var plan = ApkPlan()
        plan.state = "latest"
        plan.names = ["busybox", "curl", ".build-deps"]
        plan.noCache = true
        plan.repositories = ["https://mirror.example/edge/main"]
        plan.checkMode = true
        let facts = plan.facts(records([
            ("world", "busybox curl .build-deps"),
            ("version_0", "Installed:                                Available:\nbusybox-1.36.1-r2              <  1.36.1-r5\n"),
            ("version_1", "Installed:                                Available:\ncurl-8.5.0-r0                  =  8.5.0-r0\n"),
            ("deps_2", "gcc\nmusl-dev\n"),
            ("depversion_2", "Installed:                                Available:\ngcc-13.2.1_git20231014-r0  <  13.2.1_git20240309-r0\nmusl-dev-1.2.4-r2  =  1.2.4-r2\n"),
        ]))
        XCTAssertEqual(facts.outdated, ["busybox", "gcc"])
        XCTAssertEqual(facts.virtualDependencies[".build-deps"], ["gcc", "musl-dev"])
        let base = ["apk", "--no-cache", "--repository", "https://mirror.example/edge/main", "--repositories-file", "/dev/null"]
        XCTAssertEqual(plan.step(facts), .run(command: base + ["add", "--upgrade", "--simulate", "busybox", "gcc"],
                                              message: "installed ['busybox', 'gcc'] package(s)",
                                              failure: "failed to install ['busybox', 'gcc']", verify: []))
    }

    func testRemoveUpgradeAndCache() {
        var plan = ApkPlan()
        plan.state = "absent"
        plan.names = ["curl", "jq"]
        let facts = plan.facts(records([("installed_1", "1")]))
        XCTAssertEqual(plan.step(facts), .run(command: ["apk", "del", "--purge", "jq"], message: "removed ['jq'] package(s)",
                                              failure: "failed to remove ['jq'] package(s)", verify: ["jq"]))
        plan.names = ["curl"]
        XCTAssertEqual(plan.step(facts), .done(changed: false, message: "package(s) already removed"))

        var upgrade = ApkPlan()
        upgrade.upgrade = true
        upgrade.available = true
        XCTAssertEqual(upgrade.step(.init()), .run(command: ["apk", "upgrade", "--available"], message: "upgraded packages",
                                                   failure: "failed to upgrade packages", verify: []))
        var cache = ApkPlan()
        cache.updateCache = true
        XCTAssertEqual(cache.step(.init()), .done(changed: true, message: "updated repository indexes"))
    }

    func testPackagesFromApkOutput() {
        let output = """
            fetch https://dl-cdn.alpinelinux.org/alpine/v3.19/main/x86_64/APKINDEX.tar.gz
            (1/3) Installing ca-certificates (20240226-r0)
            (2/3) Installing libcurl (8.5.0-r0)
            (3/3) Installing curl (8.5.0-r0)
            Executing busybox-1.36.1-r15.trigger
            OK: 12 MiB in 18 packages
            """
        XCTAssertEqual(ApkPlan.packages(in: output), ["ca-certificates", "libcurl", "curl"])
    }

    func testFactsScriptIsValidShell() throws {
        var plan = ApkPlan()
        plan.state = "latest"
        plan.names = ["it's", "curl"]
        plan.updateCache = true
        let dir = try TemporaryDirectory()
        let file = try dir.write("facts.sh", plan.factsScript())
        for shell in ["/bin/sh", "/bin/dash", "/usr/bin/busybox"] where FileManager.default.isExecutableFile(atPath: shell) {
            let (status, output) = SSHFleet.run(shell.hasSuffix("busybox") ? [shell, "sh", "-n", file] : [shell, "-n", file])
            XCTAssertEqual(status, 0, "\(shell): \(output)")
        }
        XCTAssertEqual(BuiltinModules.registry().spec(named: "community.general.apk")?.name, "apk")
    }
}
