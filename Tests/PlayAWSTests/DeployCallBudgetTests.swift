import Foundation
import XCTest
@testable import PlayAWS

/// The API calls of a 4-instance rolling deploy, as the deploy module will make them, against moto:
/// the request count the benchmark budget ("≤ 40 requests") is about.
final class DeployCallBudgetTests: MotoTestCase, @unchecked Sendable {
    func testFourInstanceDeployStaysWithinBudget() async throws {
        let ec2 = session.ec2()
        let elb = session.elbv2()
        let s3 = session.s3()
        // The environment (made once, not part of a deploy).
        let (vpc, subnet) = try await loopbackNetwork(ec2)
        let group = try await ec2.createSecurityGroup(name: "web", description: "web", vpcID: vpc.vpcID)
        let image = try await ec2.registerImage(name: "th3-server")
        let tg = try await elb.createTargetGroup(ELBv2CreateTargetGroupRequest(name: "web", port: 8080, vpcID: vpc.vpcID))
        try await s3.createBucket("builds")
        _ = try await s3.putObject(bucket: "builds", key: "th3-server-v2.tar.gz", data: Data("build".utf8))
        let old = try await ec2.runInstances(EC2RunInstancesRequest(imageID: image, instanceType: "t3.micro", count: 4,
                                                                   subnetID: subnet.subnetID, tags: ["app": "web", "version": "1"]))
        try await elb.registerTargets(targetGroupARN: tg.arn, targets: old.map { ELBv2Target(id: $0.instanceID, port: 8080) })

        session.resetMetrics()
        let started = Date()
        // Lookups by name, once per run.
        _ = try await s3.headObject(bucket: "builds", key: "th3-server-v2.tar.gz")
        let subnets = try await ec2.describeSubnets(filters: [EC2Filter("vpc-id", [vpc.vpcID])])
        _ = try await ec2.describeSecurityGroups(groupIDs: [group])
        _ = try await ec2.describeImages(imageIDs: [image])
        let targetGroup = try await elb.describeTargetGroups(names: ["web"]).first!
        let previous = try await ec2.findInstances(tags: ["app": "web", "version": "1"], states: ["running"])
        // Launch, tagged at launch, and wait for running + status checks (one poll each here).
        let fresh = try await ec2.runInstances(EC2RunInstancesRequest(imageID: image, instanceType: "t3.micro", count: 4,
                                                                     subnetID: subnets[0].subnetID, securityGroupIDs: [group],
                                                                     tags: ["app": "web", "version": "2", "deployment": "d-2"]))
        let ids = fresh.map(\.instanceID)
        let states = try await ec2.describeInstances(instanceIDs: ids)
        XCTAssertTrue(states.allSatisfy(\.state.isRunning))
        let checks = try await ec2.describeInstanceStatus(instanceIDs: ids)
        XCTAssertTrue(checks.allSatisfy(\.isHealthy))
        // Register all at once, wait healthy with one poll for all, then retire the old version.
        let targets = ids.map { ELBv2Target(id: $0, port: 8080) }
        try await elb.registerTargets(targetGroupARN: targetGroup.arn, targets: targets)
        let health = try await elb.describeTargetHealth(targetGroupARN: targetGroup.arn, targets: targets)
        XCTAssertTrue(health.allSatisfy(\.isHealthy))
        try await elb.deregisterTargets(targetGroupARN: targetGroup.arn, targets: previous.map { ELBv2Target(id: $0.instanceID, port: 8080) })
        _ = try await ec2.terminateInstances(previous.map(\.instanceID))
        try await ec2.createTags(resourceIDs: ids, tags: ["IsProduction": "true"])
        let elapsed = Date().timeIntervalSince(started)

        let metrics = session.metrics
        XCTAssertLessThanOrEqual(metrics.requests, 40)
        XCTAssertEqual(metrics.retries, 0)
        print("figure: 4-instance rolling deploy call sequence: \(metrics.requests) requests in \(String(format: "%.3f", elapsed)) s against moto")
    }
}
