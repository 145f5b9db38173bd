import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
@testable import PlayModules
import PlayTestSupport
import XCTest

/// ec2_launch, ec2_info and ec2_state against a real moto_server with signature checking on.
final class EC2ModuleTests: AWSModuleTestCase {

    private func setUpAWS() async throws -> (MotoServer, AWSFixtures, AWSModuleRunner) {
        let server = try await moto()
        let fixtures = try await AWSFixtures.make(server)
        return (server, fixtures, AWSModuleRunner(moto: server))
    }

    private func launchArgs(_ f: AWSFixtures, deployment: String, count: Int = 2) -> OrderedDictionary<String, Value> {
        ["image_id": .string(f.imageID), "subnet_id": .string(f.subnetID), "count": .int(count),
         "tags": ["app": "th3-server", "version": "2", "deployment": .string(deployment), "team": "web"],
         "group": "new_hosts",
         "host_vars": ["ansible_port": 2222, "ansible_user": "root", "ansible_ssh_private_key_file": "/keys/id"]]
    }

    func testLaunchAddsHostsAndASecondRunLaunchesNothing() async throws {
        let (_, f, runner) = try await setUpAWS()
        let deployment = "d-\(UUID().uuidString.prefix(6))"
        let first = try await runner.run(EC2LaunchModule(), launchArgs(f, deployment: deployment))
        XCTAssertFalse(first.failed, first.text)
        XCTAssertTrue(first.changed)
        XCTAssertEqual(first.strings("launched").count, 2)
        XCTAssertEqual(first.strings("instance_ids"), first.strings("launched"))

        let instances = first["instances"]?.listValue ?? []
        XCTAssertEqual(instances.count, 2)
        for instance in instances {
            XCTAssertEqual(instance["state"]?.stringValue, "running")
            XCTAssertEqual(instance["image_id"]?.stringValue, f.imageID)
            XCTAssertEqual(instance["tags"]?["deployment"]?.stringValue, deployment)
            XCTAssertEqual(instance["tags"]?["team"]?.stringValue, "web")
            XCTAssertTrue(instance["private_ip"]?.stringValue?.hasPrefix("127.0.1.") ?? false, "\(instance)")
        }
        let hosts = first["add_hosts"]?.listValue ?? []
        XCTAssertEqual(hosts.count, 2)
        // What the executor adds is the typed field; `add_hosts` shows the same to users.
        XCTAssertEqual(first.addedHosts.map(\.asValue), hosts)
        for (host, instance) in zip(hosts, instances) {
            XCTAssertEqual(host["host_name"], instance["id"])
            XCTAssertEqual(host["groups"], ["new_hosts"])
            let vars = host["host_vars"]
            XCTAssertEqual(vars?["ansible_host"], instance["private_ip"])
            XCTAssertEqual(vars?["private_ip"], instance["private_ip"])
            XCTAssertEqual(vars?["instance_id"], instance["id"])
            XCTAssertEqual(vars?["ansible_port"], 2222)
            XCTAssertEqual(vars?["ansible_user"], "root")
            XCTAssertEqual(vars?["ansible_ssh_private_key_file"], "/keys/id")
        }
        // Launch: look up, RunInstances, one status poll (moto is instant), one describe for addresses.
        XCTAssertEqual(runner.requests("EC2.RunInstances"), 1)
        XCTAssertEqual(runner.requests("EC2.DescribeInstanceStatus"), 1)

        runner.resetMetrics()
        let second = try await runner.run(EC2LaunchModule(), launchArgs(f, deployment: deployment))
        XCTAssertFalse(second.failed, second.text)
        XCTAssertFalse(second.changed)
        XCTAssertEqual(second.strings("launched"), [])
        XCTAssertEqual(second.strings("instance_ids"), first.strings("instance_ids"))
        XCTAssertEqual(second["add_hosts"], first["add_hosts"])
        XCTAssertEqual(runner.requests("EC2.RunInstances"), 0)
        XCTAssertEqual(runner.metrics.requests, 3, "\(runner.metrics.requestsByOperation)")
    }

    func testStoppedInstancesAreStartedAndOnlyTheMissingCountLaunched() async throws {
        let (_, f, runner) = try await setUpAWS()
        let deployment = "d-\(UUID().uuidString.prefix(6))"
        let first = try await runner.run(EC2LaunchModule(), launchArgs(f, deployment: deployment, count: 2))
        let ids = first.strings("instance_ids")
        _ = try await f.session.ec2().stopInstances([ids[0]])

        runner.resetMetrics()
        let again = try await runner.run(EC2LaunchModule(), launchArgs(f, deployment: deployment, count: 3))
        XCTAssertFalse(again.failed, again.text)
        XCTAssertTrue(again.changed)
        XCTAssertEqual(again.strings("started"), [ids[0]])
        XCTAssertEqual(again.strings("launched").count, 1)
        XCTAssertEqual(Set(again.strings("instance_ids")), Set(ids + again.strings("launched")))
        XCTAssertEqual((again["instances"]?.listValue ?? []).compactMap { $0["state"]?.stringValue }, ["running", "running", "running"])
        XCTAssertEqual(runner.requests("EC2.StartInstances"), 1)
        XCTAssertEqual(runner.requests("EC2.RunInstances"), 1)
        XCTAssertEqual((again["add_hosts"]?.listValue ?? []).count, 3)
    }

    func testLaunchNeedsTheIdentityTags() async throws {
        let (_, f, runner) = try await setUpAWS()
        var args = launchArgs(f, deployment: "x")
        args["tags"] = ["app": "th3-server", "version": "2"]
        let result = try await runner.run(EC2LaunchModule(), args)
        XCTAssertTrue(result.failed)
        XCTAssertTrue(result.message?.contains("missing: deployment") ?? false, result.text)
        XCTAssertEqual(runner.metrics.requests, 0)
        XCTAssertNotNil(runner.argumentError(EC2LaunchModule(), ["tags": ["app": "a"]]), "image_id is required")
        XCTAssertNotNil(runner.argumentError(EC2LaunchModule(), ["image_id": "ami-1", "tags": .emptyDict, "address": "elastic"]))
    }

    func testLaunchInCheckModeChangesNothing() async throws {
        let (_, f, runner) = try await setUpAWS()
        let deployment = "d-\(UUID().uuidString.prefix(6))"
        runner.checkMode = true
        let result = try await runner.run(EC2LaunchModule(), launchArgs(f, deployment: deployment, count: 2))
        XCTAssertFalse(result.failed, result.text)
        XCTAssertTrue(result.changed)
        XCTAssertEqual(result["would_launch"], 2)
        XCTAssertEqual(result.strings("launched"), [])
        XCTAssertEqual(runner.requests("EC2.RunInstances"), 0)
        let found = try await f.session.ec2().findInstances(tags: ["deployment": deployment])
        XCTAssertEqual(found.count, 0)
    }

    func testStateTransitionsUseOneCallForAllInstances() async throws {
        let (_, f, runner) = try await setUpAWS()
        let ids = try await f.instances(3)
        let args: (String) -> OrderedDictionary<String, Value> = { ["instance_ids": .list(ids.map(Value.string)), "state": .string($0)] }

        runner.resetMetrics()
        let stopped = try await runner.run(EC2StateModule(), args("stopped"))
        XCTAssertFalse(stopped.failed, stopped.text)
        XCTAssertTrue(stopped.changed)
        XCTAssertEqual(stopped.strings("changed_ids"), ids)
        XCTAssertEqual((stopped["instances"]?.listValue ?? []).compactMap { $0["state"]?.stringValue }, ["stopped", "stopped", "stopped"])
        XCTAssertEqual(runner.requests("EC2.StopInstances"), 1)
        XCTAssertEqual(runner.metrics.requests, 3, "describe, stop, describe: \(runner.metrics.requestsByOperation)")

        let again = try await runner.run(EC2StateModule(), args("stopped"))
        XCTAssertFalse(again.changed)
        XCTAssertEqual(runner.requests("EC2.StopInstances"), 1)

        // One stopped, two running: only the stopped one is started.
        _ = try await f.session.ec2().startInstances([ids[1], ids[2]])
        let started = try await runner.run(EC2StateModule(), args("running"))
        XCTAssertTrue(started.changed)
        XCTAssertEqual(started.strings("changed_ids"), [ids[0]])
        let states = try await f.session.ec2().describeInstances(instanceIDs: ids).map(\.state.name)
        XCTAssertEqual(states, ["running", "running", "running"])

        let terminated = try await runner.run(EC2StateModule(), args("terminated"))
        XCTAssertTrue(terminated.changed, terminated.text)
        XCTAssertEqual(runner.requests("EC2.TerminateInstances"), 1)
        XCTAssertEqual((terminated["instances"]?.listValue ?? []).compactMap { $0["state"]?.stringValue }, ["terminated", "terminated", "terminated"])

        let revive = try await runner.run(EC2StateModule(), args("running"))
        XCTAssertTrue(revive.failed)
        XCTAssertTrue(revive.message?.contains("is terminated") ?? false, revive.text)
    }

    func testStateInCheckModeChangesNothing() async throws {
        let (_, f, runner) = try await setUpAWS()
        let ids = try await f.instances(2)
        runner.checkMode = true
        let result = try await runner.run(EC2StateModule(), ["instance_ids": .list(ids.map(Value.string)), "state": "stopped"])
        XCTAssertTrue(result.changed)
        XCTAssertEqual(result.strings("changed_ids"), ids)
        XCTAssertEqual(runner.requests("EC2.StopInstances"), 0)
        let states = try await f.session.ec2().describeInstances(instanceIDs: ids).map(\.state.name)
        XCTAssertEqual(states, ["running", "running"])
    }

    func testStateOfAnUnknownInstanceFails() async throws {
        let (_, _, runner) = try await setUpAWS()
        let result = try await runner.run(EC2StateModule(), ["instance_ids": ["i-0123456789abcdef0"], "state": "stopped"])
        XCTAssertTrue(result.failed)
        XCTAssertTrue(result.message?.contains("InvalidInstanceID.NotFound") ?? false, result.text)
        XCTAssertEqual(result["error"]?["code"], "InvalidInstanceID.NotFound")
    }

    func testInfoByTagsStatesFiltersAndIDs() async throws {
        let (_, f, runner) = try await setUpAWS()
        let app = "info-\(UUID().uuidString.prefix(6))"
        let v1 = try await f.instances(2, tags: ["app": app, "version": "1"])
        let v2 = try await f.instances(1, tags: ["app": app, "version": "2"])
        _ = try await f.session.ec2().stopInstances([v1[1]])

        let byTags = try await runner.run(EC2InfoModule(), ["tags": ["app": .string(app), "version": "1"], "states": ["running"]])
        XCTAssertFalse(byTags.failed, byTags.text)
        XCTAssertEqual(byTags.strings("instance_ids"), [v1[0]])

        let byFilters = try await runner.run(EC2InfoModule(), ["filters": ["tag:app": .string(app), "tag:version": ["1", "2"]]])
        XCTAssertEqual(Set(byFilters.strings("instance_ids")), Set(v1 + v2))

        let byIDs = try await runner.run(EC2InfoModule(), ["instance_ids": .list((v2 + [v1[1]]).map(Value.string))])
        XCTAssertEqual(Set(byIDs.strings("instance_ids")), Set(v2 + [v1[1]]))
        let stopped = (byIDs["instances"]?.listValue ?? []).first { $0["id"]?.stringValue == v1[1] }
        XCTAssertEqual(stopped?["state"], "stopped")
        XCTAssertFalse(byIDs.changed)

        runner.checkMode = true
        let inCheck = try await runner.run(EC2InfoModule(), ["tags": ["app": .string(app)]])
        XCTAssertEqual(inCheck.strings("instance_ids").count, 3, "read-only: runs in check mode")
    }
}
