import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
@testable import PlayModules
import PlayTestSupport
import XCTest

/// elb_register and elb_deregister against moto. moto reports every registered target healthy at
/// once and drops deregistered ones at once, so the `initial`, `unhealthy` and `draining` paths
/// run through `ScriptedTargetHealthTransport` (real moto behind it, answers rewritten).
final class ELBModuleTests: AWSModuleTestCase {

    private func setUpAWS() async throws -> (MotoServer, AWSFixtures) {
        let server = try await moto()
        return (server, try await AWSFixtures.make(server))
    }

    private func args(_ group: ELBv2TargetGroup, _ ids: [String], _ extra: OrderedDictionary<String, Value> = [:],
                      byName: Bool = true) -> OrderedDictionary<String, Value> {
        var out: OrderedDictionary<String, Value> = byName ? ["target_group_name": .string(group.name)] : ["target_group_arn": .string(group.arn)]
        out["targets"] = .list(ids.map(Value.string))
        for (key, value) in extra { out[key] = value }
        return out
    }

    func testFourTargetsRegisterWaitAndDeregisterInFewBatchedRequests() async throws {
        let (server, f) = try await setUpAWS()
        let group = try await f.targetGroup()
        let ids = try await f.instances(4)
        let runner = AWSModuleRunner(moto: server)

        let registered = try await runner.run(ELBRegisterModule(), args(group, ids))
        XCTAssertFalse(registered.failed, registered.text)
        XCTAssertTrue(registered.changed)
        XCTAssertEqual(registered.strings("healthy"), ids)
        XCTAssertEqual(registered.strings("unhealthy"), [])
        XCTAssertEqual(registered.strings("registered"), ids)
        XCTAssertEqual(registered["states"]?.dictValue?.values.map(\.renderedString), ["healthy", "healthy", "healthy", "healthy"])
        XCTAssertEqual(registered["target_group_arn"]?.stringValue, group.arn)
        let afterRegister = runner.metrics
        XCTAssertEqual(afterRegister.requestsByOperation, [
            "ELBv2.DescribeTargetGroups": 1, "ELBv2.DescribeTargetHealth": 2, "ELBv2.RegisterTargets": 1,
        ])
        let states = try await f.registered(group)
        XCTAssertEqual(Set(states.keys), Set(ids))

        let deregistered = try await runner.run(ELBDeregisterModule(), args(group, ids))
        XCTAssertFalse(deregistered.failed, deregistered.text)
        XCTAssertTrue(deregistered.changed)
        XCTAssertEqual(deregistered.strings("deregistered"), ids)
        let total = runner.metrics
        // The name lookup is cached for the run: no second DescribeTargetGroups.
        XCTAssertEqual(total.requestsByOperation, [
            "ELBv2.DescribeTargetGroups": 1, "ELBv2.DescribeTargetHealth": 4, "ELBv2.RegisterTargets": 1,
            "ELBv2.DeregisterTargets": 1,
        ])
        XCTAssertEqual(total.requests, 7)
        let left = try await f.registered(group)
        XCTAssertEqual(left, [:])
        print("elb_register + elb_deregister, 4 targets on moto: \(total.requests) requests \(total.requestsByOperation)")
    }

    func testRegisteringRegisteredTargetsChangesNothing() async throws {
        let (server, f) = try await setUpAWS()
        let group = try await f.targetGroup()
        let ids = try await f.instances(2)
        let runner = AWSModuleRunner(moto: server)
        _ = try await runner.run(ELBRegisterModule(), args(group, ids, byName: false))
        runner.resetMetrics()
        let again = try await runner.run(ELBRegisterModule(), args(group, ids, byName: false))
        XCTAssertFalse(again.failed, again.text)
        XCTAssertFalse(again.changed)
        XCTAssertEqual(again.strings("healthy"), ids)
        // By ARN: no lookup; everything registered and healthy: one read, no register call.
        XCTAssertEqual(runner.metrics.requestsByOperation, ["ELBv2.DescribeTargetHealth": 1])

        // One new target with two registered: one RegisterTargets for all three.
        let more = try await f.instances(1)
        let mixed = try await runner.run(ELBRegisterModule(), args(group, ids + more, byName: false))
        XCTAssertTrue(mixed.changed)
        XCTAssertEqual(mixed.strings("registered"), more)
        XCTAssertEqual(mixed.strings("healthy"), ids + more)
        XCTAssertEqual(runner.requests("ELBv2.RegisterTargets"), 1)
    }

    func testDeregisteringTargetsThatAreNotRegisteredIsFine() async throws {
        let (server, f) = try await setUpAWS()
        let group = try await f.targetGroup()
        let ids = try await f.instances(2)
        let runner = AWSModuleRunner(moto: server)
        _ = try await runner.run(ELBRegisterModule(), args(group, [ids[0]]))
        runner.resetMetrics()
        let result = try await runner.run(ELBDeregisterModule(), args(group, ids))
        XCTAssertFalse(result.failed, result.text)
        XCTAssertTrue(result.changed)
        XCTAssertEqual(result.strings("deregistered"), [ids[0]])
        XCTAssertEqual(result.strings("not_registered"), [ids[1]])

        let nothing = try await runner.run(ELBDeregisterModule(), args(group, ids))
        XCTAssertFalse(nothing.failed, nothing.text)
        XCTAssertFalse(nothing.changed)
        XCTAssertEqual(runner.requests("ELBv2.DeregisterTargets"), 1)
    }

    func testCheckModeRegistersAndDeregistersNothing() async throws {
        let (server, f) = try await setUpAWS()
        let group = try await f.targetGroup()
        let ids = try await f.instances(2)
        let runner = AWSModuleRunner(moto: server)
        runner.checkMode = true
        let register = try await runner.run(ELBRegisterModule(), args(group, ids))
        XCTAssertTrue(register.changed)
        XCTAssertEqual(register.strings("registered"), ids)
        let none = try await f.registered(group)
        XCTAssertEqual(none, [:])

        runner.checkMode = false
        _ = try await runner.run(ELBRegisterModule(), args(group, ids))
        runner.checkMode = true
        let deregister = try await runner.run(ELBDeregisterModule(), args(group, ids))
        XCTAssertTrue(deregister.changed)
        let still = try await f.registered(group)
        XCTAssertEqual(Set(still.keys), Set(ids))
        XCTAssertEqual(runner.requests("ELBv2.RegisterTargets"), 1)
        XCTAssertEqual(runner.requests("ELBv2.DeregisterTargets"), 0)
    }

    func testAnUnhealthyTargetIsDeregisteredAndFailsTheTask() async throws {
        let (server, f) = try await setUpAWS()
        let group = try await f.targetGroup()
        let ids = try await f.instances(2)
        let transport = ScriptedTargetHealthTransport(CurlTransport(defaultTimeout: 10), afterRegister: [
            ids[0]: ["initial", "initial"],
            ids[1]: ["initial", "unhealthy"],
        ])
        let runner = AWSModuleRunner(moto: server, transport: transport)
        let result = try await runner.run(ELBRegisterModule(), args(group, ids))
        XCTAssertTrue(result.failed, result.text)
        XCTAssertTrue(result.changed)
        XCTAssertEqual(result.strings("healthy"), [ids[0]])
        XCTAssertEqual(result.strings("unhealthy"), [ids[1]])
        XCTAssertEqual(result.strings("deregistered"), [ids[1]])
        XCTAssertEqual(result["states"]?[ids[1]], "unhealthy")
        let message = result.message ?? ""
        XCTAssertTrue(message.contains("only 1 of 2 targets became healthy"), message)
        XCTAssertTrue(message.contains("\(ids[1]) (unhealthy: Target.ResponseCodeMismatch"), message)
        XCTAssertEqual(runner.requests("ELBv2.RegisterTargets"), 1)
        XCTAssertEqual(runner.requests("ELBv2.DeregisterTargets"), 1)
        // Before, then polls: initial+initial, initial+unhealthy, healthy (+ the failed one settled).
        XCTAssertEqual(runner.requests("ELBv2.DescribeTargetHealth"), 4)
        XCTAssertTrue(runner.progress.messages.contains { $0.contains("2 initial") }, "\(runner.progress.messages)")
        let states = try await f.registered(group)
        XCTAssertEqual(Array(states.keys), [ids[0]], "the unhealthy target left the group")
    }

    func testMinHealthyLetsADeployContinueWithoutTheBrokenTarget() async throws {
        let (server, f) = try await setUpAWS()
        let group = try await f.targetGroup()
        let ids = try await f.instances(3)
        let transport = ScriptedTargetHealthTransport(CurlTransport(defaultTimeout: 10), afterRegister: [
            ids[2]: ["unhealthy"],
        ])
        let runner = AWSModuleRunner(moto: server, transport: transport)
        let result = try await runner.run(ELBRegisterModule(), args(group, ids, ["min_healthy": 2]))
        XCTAssertFalse(result.failed, result.text)
        XCTAssertEqual(result.strings("healthy"), [ids[0], ids[1]])
        XCTAssertEqual(result.strings("deregistered"), [ids[2]])
        XCTAssertTrue(result.message?.contains("2 of 3 targets healthy") ?? false, result.text)

        XCTAssertNotNil(runner.argumentError(ELBRegisterModule(), ["targets": ["i-1"]]), "a target group is required")
        XCTAssertNotNil(runner.argumentError(ELBRegisterModule(), ["targets": ["i-1"], "target_group_name": "a", "target_group_arn": "b"]))
        let tooMany = try await runner.run(ELBRegisterModule(), args(group, ids, ["min_healthy": 4]))
        XCTAssertTrue(tooMany.failed)
        XCTAssertEqual(tooMany.message, "min_healthy 4 cannot be reached with 3 targets; nothing was registered")
        XCTAssertEqual(tooMany.strings("healthy"), [])
    }

    func testATargetNotHealthyAtTheTimeoutIsDeregistered() async throws {
        let (server, f) = try await setUpAWS()
        let group = try await f.targetGroup()
        let ids = try await f.instances(1)
        let transport = ScriptedTargetHealthTransport(CurlTransport(defaultTimeout: 10), afterRegister: [
            ids[0]: Array(repeating: "initial", count: 50),
        ])
        let runner = AWSModuleRunner(moto: server, transport: transport)
        let started = Date()
        let result = try await runner.run(ELBRegisterModule(), args(group, ids, ["wait_timeout": 2]))
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertTrue(result.failed)
        XCTAssertTrue(result.message?.contains("no target became healthy") ?? false, result.text)
        XCTAssertTrue(result.message?.contains("initial: Elb.InitialHealthChecking") ?? false, result.text)
        XCTAssertEqual(result.strings("deregistered"), ids)
        let polls = runner.requests("ELBv2.DescribeTargetHealth") - 1
        XCTAssertTrue((2...4).contains(polls), "about one poll a second: \(polls)")
    }

    func testDeregisterWaitsWhileTargetsDrain() async throws {
        let (server, f) = try await setUpAWS()
        let group = try await f.targetGroup()
        let ids = try await f.instances(2)
        let transport = ScriptedTargetHealthTransport(CurlTransport(defaultTimeout: 10), afterDeregister: [
            ids[0]: ["draining", "draining"], ids[1]: ["draining"],
        ])
        let runner = AWSModuleRunner(moto: server, transport: transport)
        _ = try await runner.run(ELBRegisterModule(), args(group, ids))
        runner.resetMetrics()
        let result = try await runner.run(ELBDeregisterModule(), args(group, ids))
        XCTAssertFalse(result.failed, result.text)
        XCTAssertEqual(result.strings("deregistered"), ids)
        XCTAssertEqual(result["states"]?[ids[0]], "unused")
        XCTAssertEqual(runner.requests("ELBv2.DeregisterTargets"), 1)
        XCTAssertEqual(runner.requests("ELBv2.DescribeTargetHealth"), 4, "before, draining x2, drained")
        XCTAssertTrue(runner.progress.messages.contains { $0.contains("waiting for 2 of 2 targets to drain") }, "\(runner.progress.messages)")
        XCTAssertTrue(runner.progress.messages.contains { $0.contains("waiting for 1 of 2 targets to drain") }, "\(runner.progress.messages)")
    }

    func testAnUnknownTargetGroupSaysSo() async throws {
        let (server, _) = try await setUpAWS()
        let runner = AWSModuleRunner(moto: server)
        let result = try await runner.run(ELBRegisterModule(), ["target_group_name": "no-such-group", "targets": ["i-1"]])
        XCTAssertTrue(result.failed)
        XCTAssertTrue(result.message?.contains("target group 'no-such-group' not found") ?? false, result.text)
    }
}
