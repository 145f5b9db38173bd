import Foundation
import XCTest
@testable import PlayAWS

/// ELBv2 against a real moto_server: the calls a rolling and a blue/green deploy make.
final class MotoELBv2Tests: MotoTestCase, @unchecked Sendable {
    struct Stage {
        var lb: ELBv2LoadBalancer
        var blue: ELBv2TargetGroup
        var green: ELBv2TargetGroup
        var listener: ELBv2Listener
        var instances: [EC2Instance]
    }

    func stage(instances count: Int = 4) async throws -> Stage {
        let ec2 = session.ec2()
        let elb = session.elbv2()
        let (vpc, subnet) = try await loopbackNetwork(ec2)
        let image = try await ec2.registerImage(name: "img")
        let instances = try await ec2.runInstances(EC2RunInstancesRequest(imageID: image, instanceType: "t3.micro", count: count,
                                                                          subnetID: subnet.subnetID, tags: ["app": "web"]))
        let blue = try await elb.createTargetGroup(ELBv2CreateTargetGroupRequest(
            name: "web-blue", port: 8080, vpcID: vpc.vpcID, healthCheckPath: "/health", tags: ["app": "web", "color": "blue"]))
        let green = try await elb.createTargetGroup(ELBv2CreateTargetGroupRequest(
            name: "web-green", port: 8080, vpcID: vpc.vpcID, tags: ["app": "web", "color": "green"]))
        let lb = try await elb.createLoadBalancer(name: "web-lb", subnetIDs: [subnet.subnetID], tags: ["app": "web"])
        let listener = try await elb.createListener(loadBalancerARN: lb.arn, port: 80, defaultActions: [.forward(to: blue.arn)])
        return Stage(lb: lb, blue: blue, green: green, listener: listener, instances: instances)
    }

    func testRegisterWaitAndDeregisterInBatches() async throws {
        let s = try await stage()
        let elb = session.elbv2()
        let targets = s.instances.map { ELBv2Target(id: $0.instanceID, port: 8080) }
        session.resetMetrics()

        try await elb.registerTargets(targetGroupARN: s.blue.arn, targets: targets)
        let health = try await elb.describeTargetHealth(targetGroupARN: s.blue.arn, targets: targets)
        XCTAssertEqual(health.count, 4)
        XCTAssertTrue(health.allSatisfy(\.isHealthy), "\(health)")
        XCTAssertEqual(Set(health.map(\.target.id)), Set(targets.map(\.id)))
        XCTAssertEqual(health.first?.target.port, 8080)

        try await elb.deregisterTargets(targetGroupARN: s.blue.arn, targets: Array(targets.prefix(2)))
        let after = try await elb.describeTargetHealth(targetGroupARN: s.blue.arn, targets: targets)
        let byID = Dictionary(uniqueKeysWithValues: after.map { ($0.target.id, $0) })
        for target in targets.prefix(2) {
            XCTAssertEqual(byID[target.id]?.state, "unused")
            XCTAssertEqual(byID[target.id]?.reason, "Target.NotRegistered")
            XCTAssertEqual(byID[target.id]?.isRegistered, false)
        }
        XCTAssertTrue(targets.suffix(2).allSatisfy { byID[$0.id]?.isHealthy == true })
        let registered = try await elb.describeTargetHealth(targetGroupARN: s.blue.arn)
        XCTAssertEqual(registered.count, 2, "without targets: every registered target")

        // One request per batch call, whatever the number of targets.
        XCTAssertEqual(session.metrics.requests, 5)
        XCTAssertEqual(session.metrics.requestsByOperation["ELBv2.RegisterTargets"], 1)
        XCTAssertEqual(session.metrics.requestsByOperation["ELBv2.DeregisterTargets"], 1)
    }

    func testBlueGreenSwapAndTags() async throws {
        let s = try await stage(instances: 1)
        let elb = session.elbv2()
        XCTAssertEqual(s.listener.forwardedTargetGroups, [s.blue.arn])

        let swapped = try await elb.modifyListener(listenerARN: s.listener.arn, defaultActions: [.forward(to: s.green.arn)])
        XCTAssertEqual(swapped.forwardedTargetGroups, [s.green.arn])
        let listeners = try await elb.describeListeners(loadBalancerARN: s.lb.arn)
        XCTAssertEqual(listeners.map(\.forwardedTargetGroups), [[s.green.arn]])
        XCTAssertEqual(listeners.first?.port, 80)

        let weighted = try await elb.modifyListener(listenerARN: s.listener.arn, defaultActions: [.forward(weighted: [
            .init(targetGroupARN: s.blue.arn, weight: 90), .init(targetGroupARN: s.green.arn, weight: 10),
        ])])
        XCTAssertEqual(Set(weighted.forwardedTargetGroups), [s.blue.arn, s.green.arn])

        try await elb.addTags(resourceARNs: [s.green.arn], tags: ["IsProduction": "true"])
        try await elb.removeTags(resourceARNs: [s.blue.arn], keys: ["color"])
        let tags = try await elb.describeTags(resourceARNs: [s.blue.arn, s.green.arn])
        XCTAssertEqual(tags[s.green.arn], ["app": "web", "color": "green", "IsProduction": "true"])
        XCTAssertEqual(tags[s.blue.arn], ["app": "web"])

        let groups = try await elb.describeTargetGroups(names: ["web-blue", "web-green"])
        XCTAssertEqual(Set(groups.map(\.name)), ["web-blue", "web-green"])
        XCTAssertEqual(groups.first { $0.name == "web-blue" }?.healthCheckPath, "/health")
        let lbs = try await elb.describeLoadBalancers(names: ["web-lb"])
        XCTAssertEqual(lbs.map(\.arn), [s.lb.arn])
        XCTAssertEqual(lbs.first?.state, "active")
        try await elb.modifyTargetGroupAttributes(targetGroupARN: s.green.arn,
                                                  attributes: ["deregistration_delay.timeout_seconds": "5"])
    }

    func testLoadBalancerPagesAreFollowed() async throws {
        let ec2 = session.ec2()
        let elb = session.elbv2()
        let (_, subnet) = try await loopbackNetwork(ec2)
        for i in 0..<3 { _ = try await elb.createLoadBalancer(name: "lb-\(i)", subnetIDs: [subnet.subnetID]) }
        session.resetMetrics()
        let all = try await elb.describeLoadBalancers(pageSize: 2)
        XCTAssertEqual(Set(all.map(\.name)), ["lb-0", "lb-1", "lb-2"])
        XCTAssertEqual(session.metrics.requests, 2)
        XCTAssertEqual(session.metrics.calls, 1)
    }

    func testErrorsAndDeletes() async throws {
        let s = try await stage(instances: 1)
        let elb = session.elbv2()
        do {
            _ = try await elb.describeTargetHealth(targetGroupARN: s.blue.arn.replacingOccurrences(of: "web-blue", with: "web-none"))
            XCTFail("expected TargetGroupNotFound")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "TargetGroupNotFound")
            XCTAssertEqual(error.service, "ELBv2")
            XCTAssertEqual(error.httpStatus, 400)
            XCTAssertNotNil(error.requestID)
            XCTAssertNotNil(error.hint)
        }
        do {
            _ = try await elb.createTargetGroup(ELBv2CreateTargetGroupRequest(name: "web-blue", port: 8080, vpcID: s.blue.vpcID))
            XCTFail("expected DuplicateTargetGroupName")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "DuplicateTargetGroupName")
            XCTAssertTrue(error.hint?.contains("DescribeTargetGroups") == true)
        }
        _ = try await session.ec2().stopInstances([s.instances[0].instanceID])
        do {
            try await elb.registerTargets(targetGroupARN: s.blue.arn, targets: [ELBv2Target(id: s.instances[0].instanceID)])
            XCTFail("expected InvalidTarget")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "InvalidTarget")
        }
        try await elb.deleteListener(s.listener.arn)
        try await elb.deleteTargetGroup(s.green.arn)
        try await elb.deleteLoadBalancer(s.lb.arn)
        let left = try await elb.describeTargetGroups()
        XCTAssertEqual(left.map(\.name), ["web-blue"])
    }
}
