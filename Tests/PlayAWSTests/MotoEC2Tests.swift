import Foundation
import XCTest
@testable import PlayAWS

/// EC2 against a real moto_server with signature checking on.
final class MotoEC2Tests: MotoTestCase, @unchecked Sendable {
    func testLaunchFindStopStartTerminateOnLoopbackSubnet() async throws {
        let ec2 = session.ec2()
        let (vpc, subnet) = try await loopbackNetwork(ec2)
        let groupID = try await ec2.createSecurityGroup(name: "web", description: "web servers", vpcID: vpc.vpcID)
        try await ec2.authorizeIngress(groupID: groupID, port: 8080, cidr: "127.0.0.0/8")
        let image = try await ec2.registerImage(name: "th3-server-v1", description: "app baked in")

        let launched = try await ec2.runInstances(EC2RunInstancesRequest(
            imageID: image, instanceType: "t3.micro", count: 2, subnetID: subnet.subnetID,
            securityGroupIDs: [groupID], userData: "#!/bin/sh\necho hi >/tmp/x\n",
            tags: ["app": "web", "version": "1.4.2", "deployment": "d-1"]))
        XCTAssertEqual(launched.count, 2)
        XCTAssertEqual(launched.map(\.state.name), ["pending", "pending"])
        XCTAssertEqual(launched.map(\.privateIPAddress), ["127.0.1.4", "127.0.1.5"])
        XCTAssertEqual(launched[0].tags, ["app": "web", "version": "1.4.2", "deployment": "d-1"])
        XCTAssertEqual(launched[0].subnetID, subnet.subnetID)
        XCTAssertEqual(launched[0].vpcID, vpc.vpcID)
        XCTAssertEqual(launched[0].imageID, image)
        XCTAssertEqual(launched[0].securityGroups.map(\.groupID), [groupID])
        XCTAssertNotNil(launched[0].reservationID)
        XCTAssertNotNil(launched[0].launchTime)
        let ids = launched.map(\.instanceID)

        let running = try await ec2.findInstances(tags: ["app": "web", "version": "1.4.2"], states: ["running"])
        XCTAssertEqual(Set(running.map(\.instanceID)), Set(ids))
        let none = try await ec2.findInstances(tags: ["app": "web", "version": "9.9.9"])
        XCTAssertTrue(none.isEmpty)

        let statuses = try await ec2.describeInstanceStatus(instanceIDs: ids)
        XCTAssertEqual(statuses.count, 2)
        XCTAssertTrue(statuses.allSatisfy(\.isHealthy))

        let stopping = try await ec2.stopInstances([ids[0]])
        XCTAssertEqual(stopping.first?.currentState?.name, "stopping")
        XCTAssertEqual(stopping.first?.previousState?.name, "running")
        let stopped = try await ec2.describeInstances(instanceIDs: [ids[0]])
        XCTAssertEqual(stopped.first?.state.name, "stopped")
        let runningStatuses = try await ec2.describeInstanceStatus(instanceIDs: ids)
        XCTAssertEqual(runningStatuses.count, 1, "stopped ones are left out")
        let allStatuses = try await ec2.describeInstanceStatus(instanceIDs: ids, includeAllInstances: true)
        XCTAssertEqual(allStatuses.count, 2)

        let started = try await ec2.startInstances([ids[0]])
        XCTAssertEqual(started.first?.currentState?.name, "pending")

        try await ec2.createTags(resourceIDs: [ids[1]], tags: ["IsProduction": "true"])
        let tagged = try await ec2.describeInstances(filters: [.tag("IsProduction", "true")])
        XCTAssertEqual(tagged.map(\.instanceID), [ids[1]])
        try await ec2.deleteTags(resourceIDs: [ids[1]], keys: ["IsProduction"])
        let untagged = try await ec2.describeInstances(filters: [.tag("IsProduction", "true")])
        XCTAssertTrue(untagged.isEmpty)

        let terminating = try await ec2.terminateInstances(ids)
        XCTAssertEqual(terminating.map { $0.currentState?.name }, ["shutting-down", "shutting-down"])
        let gone = try await ec2.describeInstances(instanceIDs: ids)
        XCTAssertTrue(gone.allSatisfy { $0.state.name == "terminated" && $0.state.isTerminal })
        let alive = try await ec2.findInstances(tags: ["app": "web"], states: ["pending", "running"])
        XCTAssertTrue(alive.isEmpty)
    }

    func testDescribeFollowsPagesForTheCaller() async throws {
        let ec2 = session.ec2()
        let (_, subnet) = try await loopbackNetwork(ec2)
        let image = try await ec2.registerImage(name: "img")
        for i in 0..<5 {
            _ = try await ec2.runInstances(EC2RunInstancesRequest(imageID: image, instanceType: "t3.micro",
                                                                  subnetID: subnet.subnetID, tags: ["app": "web", "n": "\(i)"]))
        }
        session.resetMetrics()
        // moto counts MaxResults in reservations: 5 reservations at 2 a page = 3 requests.
        let all = try await ec2.describeInstances(filters: [.tag("app", "web")], pageSize: 2)
        XCTAssertEqual(all.count, 5)
        XCTAssertEqual(Set(all.compactMap { $0.tags["n"] }), ["0", "1", "2", "3", "4"])
        XCTAssertEqual(session.metrics.requestsByOperation["EC2.DescribeInstances"], 3)
        XCTAssertEqual(session.metrics.calls, 1)
    }

    func testExplicitPrivateIPAndNetworkLookups() async throws {
        let ec2 = session.ec2()
        let (vpc, subnet) = try await loopbackNetwork(ec2)
        let image = try await ec2.registerImage(name: "img")
        let one = try await ec2.runInstances(EC2RunInstancesRequest(imageID: image, instanceType: "t3.micro",
                                                                    subnetID: subnet.subnetID, privateIPAddress: "127.0.1.50"))
        XCTAssertEqual(one.first?.privateIPAddress, "127.0.1.50")

        let subnets = try await ec2.describeSubnets(filters: [EC2Filter("vpc-id", [vpc.vpcID])])
        XCTAssertEqual(subnets.map(\.cidrBlock), ["127.0.1.0/24"])
        XCTAssertEqual(subnets.first?.availabilityZone, "us-east-1a")
        let byID = try await ec2.describeSubnets(subnetIDs: [subnet.subnetID])
        XCTAssertEqual(byID.first?.vpcID, vpc.vpcID)
        let vpcs = try await ec2.describeVpcs(vpcIDs: [vpc.vpcID])
        XCTAssertEqual(vpcs.first?.tags["Name"], "test")

        let group = try await ec2.createSecurityGroup(name: "lb", description: "load balancer", vpcID: vpc.vpcID,
                                                      tags: ["role": "lb"])
        let groups = try await ec2.describeSecurityGroups(groupIDs: [group])
        XCTAssertEqual(groups.first?.groupName, "lb")
        XCTAssertEqual(groups.first?.vpcID, vpc.vpcID)

        let images = try await ec2.describeImages(imageIDs: [image])
        XCTAssertEqual(images.first?.name, "img")
        let baked = try await ec2.createImage(instanceID: one[0].instanceID, name: "baked", tags: ["app": "web"])
        let bakedImages = try await ec2.describeImages(imageIDs: [baked])
        XCTAssertEqual(bakedImages.first?.tags["app"], "web")
        try await ec2.deregisterImage(baked)
    }

    func testRegionsAreSeparate() async throws {
        let image = try await session.ec2().registerImage(name: "img")
        let (_, subnet) = try await loopbackNetwork(session.ec2())
        _ = try await session.ec2().runInstances(EC2RunInstancesRequest(imageID: image, instanceType: "t3.micro", subnetID: subnet.subnetID))
        let here = try await session.ec2().describeInstances(filters: [.state("running")])
        XCTAssertEqual(here.count, 1)
        let there = try await session.ec2(region: "eu-west-1").describeInstances(filters: [.state("running")])
        XCTAssertEqual(there.count, 0)
    }

    func testUnknownImageGivesTypedErrorWithImageHint() async throws {
        let ec2 = session.ec2()
        let (_, subnet) = try await loopbackNetwork(ec2)
        do {
            _ = try await ec2.runInstances(EC2RunInstancesRequest(imageID: "ami-0000000000000dead", instanceType: "t3.micro",
                                                                  subnetID: subnet.subnetID))
            XCTFail("expected InvalidAMIID.NotFound")
        } catch let error as AWSError {
            XCTAssertEqual(error.kind, .service)
            XCTAssertEqual(error.service, "EC2")
            XCTAssertEqual(error.operation, "RunInstances")
            XCTAssertEqual(error.code, "InvalidAMIID.NotFound")
            XCTAssertEqual(error.httpStatus, 400)
            XCTAssertEqual(error.attempts, 1)
            XCTAssertEqual(error.region, "us-east-1")
            XCTAssertNotNil(error.requestID)
            XCTAssertTrue(error.hint?.contains("'ami-0000000000000dead'") == true, error.description)
            XCTAssertTrue(error.hint?.contains("us-east-1") == true)
            XCTAssertTrue(error.description.hasPrefix("EC2 RunInstances failed in us-east-1: InvalidAMIID.NotFound:"), error.description)
        }
    }

    func testUnknownInstanceIsNotFound() async throws {
        do {
            _ = try await session.ec2().terminateInstances(["i-0123456789abcdef0"])
            XCTFail("expected an error")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "InvalidInstanceID.NotFound")
            XCTAssertTrue(error.isNotFound)
            XCTAssertTrue(error.message.contains("i-0123456789abcdef0"))
            XCTAssertTrue(error.hint?.contains("i-0123456789abcdef0") == true)
        }
    }

    /// moto answers an unknown filter with an HTML 500: a Describe is retried, then a clear error.
    func testHTMLServerErrorIsRetriedThenReported() async throws {
        let ec2 = session.ec2()
        let (_, subnet) = try await loopbackNetwork(ec2)
        let image = try await ec2.registerImage(name: "img")
        _ = try await ec2.runInstances(EC2RunInstancesRequest(imageID: image, instanceType: "t3.micro", subnetID: subnet.subnetID))
        session.resetMetrics()
        do {
            _ = try await session.ec2().describeInstances(filters: [EC2Filter("client-token", ["x"])])
            XCTFail("expected an error")
        } catch let error as AWSError {
            XCTAssertEqual(error.httpStatus, 500)
            XCTAssertEqual(error.code, "InternalServerError")
            XCTAssertEqual(error.attempts, 3)
            XCTAssertTrue(error.message.contains("non-AWS answer"), error.message)
            XCTAssertFalse(error.message.contains("<"), "tags are stripped: \(error.message)")
            XCTAssertEqual(session.metrics.retries, 2)
        }
    }

    func testMissingPermissionNamesTheAction() async throws {
        let readOnly = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*"],"Resource":"*"}]}"#
        let keys = try await moto.freshAccount(users: [("admin", MotoServer.allowAll), ("reader", readOnly)])
        let reader = moto.session(keys[1])
        defer { reader.shutdown() }
        let visible = try await reader.ec2().describeInstances()
        XCTAssertTrue(visible.isEmpty)
        do {
            _ = try await reader.ec2().runInstances(EC2RunInstancesRequest(imageID: "ami-12c6146b", instanceType: "t3.micro"))
            XCTFail("expected a permission error")
        } catch let error as AWSError {
            XCTAssertEqual(error.code, "AccessDenied", error.description)
            XCTAssertTrue(error.hint?.contains("ec2:RunInstances") == true, error.description)
            XCTAssertTrue(error.hint?.contains(keys[1].maskedAccessKeyID) == true, error.description)
            XCTAssertFalse(error.description.contains(keys[1].secretAccessKey))
        }
    }
}
