import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
@testable import PlayModules
import PlayExecutor
import PlayTestSupport
import XCTest

/// ec2_vpc_net, ec2_vpc_subnet, ec2_security_group, elb_target_group and elb_application_lb
/// against a real moto_server: created once, found again (changed: false), check mode changes
/// nothing, and state: absent removes only what carries the task's tags.
final class EnvironmentModuleTests: ECSTestCase {
    func testNetworkModulesAreIdempotentAndDeleteOnlyTheirOwn() async throws {
        let moto = try await moto()
        let runner = AWSModuleRunner(moto: moto)
        let ec2 = moto.session().ec2()
        let env = unique("net")
        let tags: Value = ["managed-by": "play", "environment": .string(env)]
        // Someone else's VPC with the same Name: never found, never deleted.
        let foreign = try await ec2.createVpc(cidrBlock: "127.0.0.0/16", tags: ["Name": env])

        runner.checkMode = true
        let preview = try await runner.run(EC2VPCNetModule(), ["name": .string(env), "cidr_block": "127.0.0.0/16", "tags": tags])
        runner.checkMode = false
        XCTAssertTrue(preview.changed, preview.text)
        XCTAssertEqual(preview["vpc_id"], .null)

        let vpc = try await runner.run(EC2VPCNetModule(), ["name": .string(env), "cidr_block": "127.0.0.0/16", "tags": tags])
        XCTAssertTrue(vpc.changed, vpc.text)
        let vpcID = try XCTUnwrap(vpc.string("vpc_id"))
        XCTAssertNotEqual(vpcID, foreign.vpcID)
        let again = try await runner.run(EC2VPCNetModule(), ["name": .string(env), "cidr_block": "127.0.0.0/16", "tags": tags])
        XCTAssertFalse(again.changed, again.text)
        XCTAssertEqual(again.string("vpc_id"), vpcID)

        let subnetArgs: OrderedDictionary<String, Value> = ["vpc_id": .string(vpcID), "cidr": "127.0.5.0/24", "az": "us-east-1a", "tags": tags]
        let subnet = try await runner.run(EC2VPCSubnetModule(), subnetArgs)
        XCTAssertTrue(subnet.changed, subnet.text)
        let subnetAgain = try await runner.run(EC2VPCSubnetModule(), subnetArgs)
        XCTAssertFalse(subnetAgain.changed, subnetAgain.text)
        XCTAssertEqual(subnetAgain.string("subnet_id"), subnet.string("subnet_id"))

        let groupArgs: OrderedDictionary<String, Value> = [
            "name": .string(env), "vpc_id": .string(vpcID), "tags": tags,
            "rules": [["proto": "tcp", "ports": [80, 443]], ["proto": "tcp", "from_port": 8000, "to_port": 8100, "cidr_ip": "127.0.0.0/8"]],
        ]
        let group = try await runner.run(EC2SecurityGroupModule(), groupArgs)
        XCTAssertTrue(group.changed, group.text)
        XCTAssertEqual(group["added_rules"], 3)
        let groupID = try XCTUnwrap(group.string("group_id"))
        let rules = try await ec2.ingressRules(groupID: groupID)
        XCTAssertTrue(rules.contains(EC2IngressRule(protocol: "tcp", fromPort: 8000, toPort: 8100, cidr: "127.0.0.0/8")), "\(rules)")
        let groupAgain = try await runner.run(EC2SecurityGroupModule(), groupArgs)
        XCTAssertFalse(groupAgain.changed, groupAgain.text)
        var more = groupArgs
        more["rules"] = [["proto": "tcp", "ports": [80, 22]]]
        let added = try await runner.run(EC2SecurityGroupModule(), more)
        XCTAssertTrue(added.changed, added.text)
        XCTAssertEqual(added["added_rules"], 1)

        // Deleting the VPC first fails with what to do; in order, everything goes.
        let early = try await runner.run(EC2VPCNetModule(), ["name": .string(env), "cidr_block": "127.0.0.0/16", "tags": tags, "state": "absent"])
        XCTAssertTrue(early.failed, early.text)
        XCTAssertTrue(early.message?.contains("delete its subnets") ?? false, early.text)
        for (module, args) in [(EC2SecurityGroupModule() as any Module, groupArgs), (EC2VPCSubnetModule(), subnetArgs)] {
            var absent = args
            absent["state"] = "absent"
            let gone = try await runner.run(module, absent)
            XCTAssertTrue(gone.changed, gone.text)
            let goneAgain = try await runner.run(module, absent)
            XCTAssertFalse(goneAgain.changed, goneAgain.text)
        }
        let deleted = try await runner.run(EC2VPCNetModule(), ["name": .string(env), "cidr_block": "127.0.0.0/16", "tags": tags, "state": "absent"])
        XCTAssertTrue(deleted.changed, deleted.text)
        let left = try await ec2.describeVpcs(filters: [EC2Filter.tag("Name", env)])
        XCTAssertEqual(left.map(\.vpcID), [foreign.vpcID])
        try await ec2.deleteVpc(foreign.vpcID)
    }

    func testTargetGroupAndLoadBalancerAreFoundByNameAndTags() async throws {
        let moto = try await moto()
        let runner = AWSModuleRunner(moto: moto)
        let ec2 = moto.session().ec2(), elb = moto.session().elbv2()
        let env = unique("lb")
        let tags: Value = ["managed-by": "play", "environment": .string(env)]
        let vpc = try await ec2.createVpc(cidrBlock: "127.0.0.0/16")
        let subnet = try await ec2.createSubnet(vpcID: vpc.vpcID, cidrBlock: "127.0.6.0/24", availabilityZone: "us-east-1a")

        let tgArgs: OrderedDictionary<String, Value> = ["name": .string(env + "-tg"), "port": 8080, "vpc_id": .string(vpc.vpcID),
                                                         "health_check_path": "/health", "deregistration_delay": 5, "tags": tags]
        let tg = try await runner.run(ELBTargetGroupModule(), tgArgs)
        XCTAssertTrue(tg.changed, tg.text)
        let tgAgain = try await runner.run(ELBTargetGroupModule(), tgArgs)
        XCTAssertFalse(tgAgain.changed, tgAgain.text)
        XCTAssertEqual(tgAgain.string("target_group_arn"), tg.string("target_group_arn"))
        var otherPort = tgArgs
        otherPort["port"] = 9090
        let conflict = try await runner.run(ELBTargetGroupModule(), otherPort)
        XCTAssertTrue(conflict.failed)
        XCTAssertTrue(conflict.message?.contains("cannot change in place") ?? false, conflict.text)
        let second = try await runner.run(ELBTargetGroupModule(), ["name": .string(env + "-tg2"), "port": 8080, "vpc_id": .string(vpc.vpcID), "tags": tags])
        XCTAssertTrue(second.changed, second.text)

        let lbArgs: OrderedDictionary<String, Value> = [
            "name": .string(env), "subnets": [.string(subnet.subnetID)], "tags": tags,
            "listeners": [["port": 80, "target_group": .string(env + "-tg")]],
        ]
        let lb = try await runner.run(ELBApplicationLBModule(), lbArgs)
        XCTAssertTrue(lb.changed, lb.text)
        let lbAgain = try await runner.run(ELBApplicationLBModule(), lbArgs)
        XCTAssertFalse(lbAgain.changed, lbAgain.text)
        XCTAssertEqual(lbAgain.string("load_balancer_arn"), lb.string("load_balancer_arn"))
        let sameName = try await elb.describeLoadBalancers(names: [env])
        XCTAssertEqual(sameName.count, 1, "no second load balancer of that name")

        // The listener follows the task: pointed at the second group, in check mode first.
        var swapped = lbArgs
        swapped["listeners"] = [["port": 80, "target_group": .string(env + "-tg2")]]
        runner.checkMode = true
        let preview = try await runner.run(ELBApplicationLBModule(), swapped)
        runner.checkMode = false
        XCTAssertTrue(preview.changed, preview.text)
        let lbARN = try XCTUnwrap(lb.string("load_balancer_arn"))
        let before = try await elb.describeListeners(loadBalancerARN: lbARN)
        XCTAssertEqual(before.first?.forwardedTargetGroups, [tg.string("target_group_arn")!])
        let swap = try await runner.run(ELBApplicationLBModule(), swapped)
        XCTAssertTrue(swap.changed, swap.text)
        let after = try await elb.describeListeners(loadBalancerARN: lbARN)
        XCTAssertEqual(after.first?.forwardedTargetGroups, [second.string("target_group_arn")!])

        // Tags flip in place (blue/green's IsProduction), the others stay.
        for flag in ["true", "false"] {
            let flip = try await runner.run(ELBTargetGroupModule(), ["name": .string(env + "-tg"), "tags": ["IsProduction": .string(flag)]])
            XCTAssertTrue(flip.changed, flip.text)
            XCTAssertEqual(flip["tags"]?["IsProduction"]?.stringValue, flag)
            XCTAssertEqual(flip["tags"]?["managed-by"]?.stringValue, "play")
        }
        let tgARN = try XCTUnwrap(tg.string("target_group_arn"))
        let flipped = try await elb.describeTags(resourceARNs: [tgARN])
        XCTAssertEqual(flipped[tgARN]?["IsProduction"], "false")
        let same = try await runner.run(ELBTargetGroupModule(), ["name": .string(env + "-tg"), "tags": ["IsProduction": "false"]])
        XCTAssertFalse(same.changed, same.text)

        // Without the tags, absent leaves them alone; with them, they go.
        let untagged = try await runner.run(ELBTargetGroupModule(), ["name": .string(env + "-tg"), "tags": ["environment": "other"], "state": "absent"])
        XCTAssertFalse(untagged.changed, untagged.text)
        let lbGone = try await runner.run(ELBApplicationLBModule(), ["name": .string(env), "tags": tags, "state": "absent"])
        XCTAssertTrue(lbGone.changed, lbGone.text)
        for name in [env + "-tg", env + "-tg2"] {
            let gone = try await runner.run(ELBTargetGroupModule(), ["name": .string(name), "tags": tags, "state": "absent"])
            XCTAssertTrue(gone.changed, gone.text)
        }
        let lbGoneAgain = try await runner.run(ELBApplicationLBModule(), ["name": .string(env), "tags": tags, "state": "absent"])
        XCTAssertFalse(lbGoneAgain.changed, lbGoneAgain.text)
    }
}
