import Foundation
import XCTest

/// translate-api.yml and rolling-ami.yml deploy into target_group_name: after a blue/green deploy
/// moved production to target_group_name-green they refuse (exit 2, production untouched) and say
/// what to do, instead of stopping the instances production serves from; after a blue/green
/// rollback they deploy again; with no load balancer to read (a fresh environment) they go on.
final class ProductionGroupGuardTests: XCTestCase {
    private static let refusal = "Production is on th3-tg-green after a blue/green deploy: run playbooks/blue-green.yml"
        + " --tags rollback first (production goes back to th3-tg), or deploy with playbooks/blue-green.yml."

    func testDeploysIntoTheIdleGroupAreRefusedAfterABlueGreenSwap() throws {
        let sandbox = try DeploySandbox.start()
        defer { sandbox.stop() }

        let first = try sandbox.play(["--tags", "deploy", "-e", "version=1"], name: "guard-ta-1")
        XCTAssertEqual(first.exitCode, 0, first.output)

        let swap = try sandbox.play(["--tags", "deploy", "-e", "version=2", "-e", "approve=true"], name: "guard-bg-2",
                                    playbook: "playbooks/blue-green.yml")
        XCTAssertEqual(swap.exitCode, 0, swap.output)
        XCTAssertEqual(try sandbox.servedVersions().lastVersion, "2")
        let before = try sandbox.state()
        let serving = before.ids(version: "2", state: "running")
        XCTAssertEqual(serving.count, 2, before.summary)

        // The outage this prevents: deploy 1 again into th3-tg, then stop every instance of another
        // version, production's version 2 included.
        let refused = try sandbox.play(["--tags", "deploy", "-e", "version=1"], name: "guard-ta-1-again")
        XCTAssertEqual(refused.exitCode, 2, refused.output)
        XCTAssertTrue(refused.output.contains("Deploy of th3-server 1 refused, nothing was changed: listener 80 of th3-alb"
                                              + " forwards production traffic to th3-tg-green, not to th3-tg"), refused.output)
        XCTAssertTrue(refused.output.contains(Self.refusal), refused.output)
        XCTAssertFalse(refused.output.contains("TASK [Fetch the build"), "refused before anything else ran:\n\(refused.output)")

        let rollback = try sandbox.play(["--tags", "rollback", "-e", "version=1"], name: "guard-ta-rollback")
        XCTAssertEqual(rollback.exitCode, 2, rollback.output)
        XCTAssertTrue(rollback.output.contains("Rollback of th3-server refused"), rollback.output)

        let rolling = try sandbox.play(["-e", "version=1"], name: "guard-rolling-1", playbook: "playbooks/rolling-ami.yml")
        XCTAssertEqual(rolling.exitCode, 2, rolling.output)
        XCTAssertTrue(rolling.output.contains("Rolling replacement of th3-tg refused"), rolling.output)
        XCTAssertTrue(rolling.output.contains(Self.refusal), rolling.output)

        // Production untouched: the same instances, version 2 alone behind the load balancer.
        let after = try sandbox.state()
        XCTAssertEqual(after.ids(version: "2", state: "running"), serving, after.summary)
        XCTAssertEqual(after.instances.map(\.id).sorted(), before.instances.map(\.id).sorted(), after.summary)
        XCTAssertEqual(after.instances.filter { $0.state == "running" }.map(\.id).sorted(),
                       before.instances.filter { $0.state == "running" }.map(\.id).sorted(), after.summary)
        let served = try sandbox.servedVersions()
        XCTAssertEqual(served.failures, 0, served.summary)
        XCTAssertEqual(Array(served.versions.keys), ["2"], served.summary)

        // No load balancer to read (as in an environment deployed for the first time): the deploy
        // goes on to its plan (check mode, so nothing changes here).
        let fresh = try sandbox.play(["--tags", "deploy", "-e", "version=1", "-e", "load_balancer_name=th3-alb-new", "--check"],
                                     name: "guard-ta-1-nolb")
        XCTAssertEqual(fresh.exitCode, 0, fresh.output)
        XCTAssertTrue(fresh.output.contains("would deploy th3-server 1"), fresh.output)

        // Once the blue/green rollback brought production back to th3-tg (version 1), translate-api
        // deploys there again.
        let back = try sandbox.play(["--tags", "rollback", "-e", "approve=true"], name: "guard-bg-rollback",
                                    playbook: "playbooks/blue-green.yml")
        XCTAssertEqual(back.exitCode, 0, back.output)
        XCTAssertEqual(try sandbox.servedVersions().lastVersion, "1")
        let again = try sandbox.play(["--tags", "deploy", "-e", "version=2"], name: "guard-ta-2-after")
        XCTAssertEqual(again.exitCode, 0, again.output)
        XCTAssertEqual(try sandbox.servedVersions().lastVersion, "2")
    }
}
