import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
@testable import PlayModules
import PlayExecutor
import PlayTestSupport
import XCTest

/// ec2_vpc_net, ec2_vpc_subnet, ec2_security_group, elb_target_group and elb_application_lb
/// against a real moto_server, with the collections' behaviour: created once, found again
/// (changed: false), check mode changes nothing, purge_* removes what the task does not list,
/// and state: absent removes. (AWSCompatELBTests compares their results with the collections'.)
final class EnvironmentModuleTests: ECSTestCase {
    func testNetworkModulesAreIdempotentAndPurgeWhatIsNotListed() async throws {
        let moto = try await moto()
        let runner = AWSModuleRunner(moto: moto)
        let ec2 = moto.session().ec2()
        let env = unique("net")
        let tags: Value = ["managed-by": "play", "environment": .string(env)]
        let vpcArgs: OrderedDictionary<String, Value> = ["name": .string(env), "cidr_block": "127.0.0.0/16", "tags": tags]

        runner.checkMode = true
        let preview = try await runner.run(EC2VPCNetModule(), vpcArgs)
        runner.checkMode = false
        XCTAssertTrue(preview.changed, preview.text)
        XCTAssertNil(preview["vpc"])
        let vpc = try await runner.run(EC2VPCNetModule(), vpcArgs)
        XCTAssertTrue(vpc.changed, vpc.text)
        let vpcID = try XCTUnwrap(vpc["vpc"]?["id"]?.stringValue)
        XCTAssertEqual(vpc["vpc"]?["name"], .string(env))
        XCTAssertEqual(vpc["vpc"]?["tags"]?["environment"], .string(env))
        let again = try await runner.run(EC2VPCNetModule(), vpcArgs)
        XCTAssertFalse(again.changed, again.text)
        XCTAssertEqual(again["vpc"]?["id"]?.stringValue, vpcID)
        // purge_tags (the default) leaves only the task's tags and Name.
        var fewer = vpcArgs
        fewer["tags"] = ["managed-by": "play"]
        let purged = try await runner.run(EC2VPCNetModule(), fewer)
        XCTAssertTrue(purged.changed, purged.text)
        XCTAssertEqual(purged["vpc"]?["tags"], ["Name": .string(env), "managed-by": "play"])
        _ = try await runner.run(EC2VPCNetModule(), vpcArgs)

        let subnetArgs: OrderedDictionary<String, Value> = ["vpc_id": .string(vpcID), "cidr": "127.0.5.0/24", "az": "us-east-1a", "tags": tags]
        let subnet = try await runner.run(EC2VPCSubnetModule(), subnetArgs)
        XCTAssertTrue(subnet.changed, subnet.text)
        XCTAssertEqual(subnet["subnet"]?["cidr_block"], "127.0.5.0/24")
        let subnetAgain = try await runner.run(EC2VPCSubnetModule(), subnetArgs)
        XCTAssertFalse(subnetAgain.changed, subnetAgain.text)
        XCTAssertEqual(subnetAgain["subnet"]?["id"], subnet["subnet"]?["id"])
        var publicIPs = subnetArgs
        publicIPs["map_public"] = true
        let mapped = try await runner.run(EC2VPCSubnetModule(), publicIPs)
        XCTAssertTrue(mapped.changed, mapped.text)
        XCTAssertEqual(mapped["subnet"]?["map_public_ip_on_launch"], true)

        let groupArgs: OrderedDictionary<String, Value> = [
            "name": .string(env), "description": "environment test", "vpc_id": .string(vpcID), "tags": tags,
            "rules": [["proto": "tcp", "ports": [80, 443]], ["proto": "tcp", "from_port": 8000, "to_port": 8100, "cidr_ip": "127.0.0.0/8"]],
        ]
        let group = try await runner.run(EC2SecurityGroupModule(), groupArgs)
        XCTAssertTrue(group.changed, group.text)
        let groupID = try XCTUnwrap(group.string("group_id"))
        XCTAssertEqual(group["ip_permissions"]?.listValue?.count, 3, group.text)
        let groupAgain = try await runner.run(EC2SecurityGroupModule(), groupArgs)
        XCTAssertFalse(groupAgain.changed, groupAgain.text)
        // purge_rules (the default): only the listed rules stay; without it, the others stay too.
        var more = groupArgs
        more["rules"] = [["proto": "tcp", "ports": [22]]]
        more["purge_rules"] = false
        let added = try await runner.run(EC2SecurityGroupModule(), more)
        XCTAssertTrue(added.changed, added.text)
        let four = try await ec2.ingressRules(groupID: groupID)
        XCTAssertEqual(four.count, 4)
        more["purge_rules"] = true
        let only = try await runner.run(EC2SecurityGroupModule(), more)
        XCTAssertTrue(only.changed, only.text)
        let one = try await ec2.ingressRules(groupID: groupID)
        XCTAssertEqual(one, [EC2IngressRule(protocol: "tcp", fromPort: 22, toPort: 22, cidr: "0.0.0.0/0")])

        // Deleting the VPC first fails with what to do; in order, everything goes.
        let early = try await runner.run(EC2VPCNetModule(), ["vpc_id": .string(vpcID), "state": "absent"])
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
        var vpcAbsent = vpcArgs
        vpcAbsent["state"] = "absent"
        let deleted = try await runner.run(EC2VPCNetModule(), vpcAbsent)
        XCTAssertTrue(deleted.changed, deleted.text)
        XCTAssertEqual(deleted["vpc"], .dict([:]))
        let left = try await ec2.describeVpcs(filters: [EC2Filter.tag("Name", env)])
        XCTAssertTrue(left.isEmpty)
    }

    func testTargetGroupAndLoadBalancerFollowTheTask() async throws {
        let moto = try await moto()
        let runner = AWSModuleRunner(moto: moto)
        let ec2 = moto.session().ec2(), elb = moto.session().elbv2()
        let env = unique("lb")
        let tags: Value = ["managed-by": "play", "environment": .string(env)]
        let vpc = try await ec2.createVpc(cidrBlock: "127.0.0.0/16")
        let subnet = try await ec2.createSubnet(vpcID: vpc.vpcID, cidrBlock: "127.0.6.0/24", availabilityZone: "us-east-1a")

        let tgArgs: OrderedDictionary<String, Value> = [
            "name": .string(env + "-tg"), "protocol": "HTTP", "port": 8080, "vpc_id": .string(vpc.vpcID), "health_check_protocol": "HTTP",
            "health_check_path": "/health", "deregistration_delay_timeout": 5, "tags": tags, "state": "present",
        ]
        let tg = try await runner.run(ELBTargetGroupModule(), tgArgs)
        XCTAssertTrue(tg.changed, tg.text)
        XCTAssertEqual(tg["deregistration_delay_timeout_seconds"], "5")
        let tgAgain = try await runner.run(ELBTargetGroupModule(), tgArgs)
        XCTAssertFalse(tgAgain.changed, tgAgain.text)
        XCTAssertEqual(tgAgain.string("target_group_arn"), tg.string("target_group_arn"))
        var otherPort = tgArgs
        otherPort["port"] = 9090
        let conflict = try await runner.run(ELBTargetGroupModule(), otherPort)
        XCTAssertTrue(conflict.failed)
        XCTAssertTrue(conflict.message?.contains("cannot change in place") ?? false, conflict.text)
        var health = tgArgs
        health["health_check_path"] = "/ready"
        let moved = try await runner.run(ELBTargetGroupModule(), health)
        XCTAssertTrue(moved.changed, moved.text)
        XCTAssertEqual(moved["health_check_path"], "/ready")
        let second = try await runner.run(ELBTargetGroupModule(), ["name": .string(env + "-tg2"), "protocol": "HTTP", "port": 8080,
                                                                    "vpc_id": .string(vpc.vpcID), "state": "present"])
        XCTAssertTrue(second.changed, second.text)

        func listener(_ group: String, port: Int = 80) -> Value {
            ["Protocol": "HTTP", "Port": .int(port), "DefaultActions": [["Type": "forward", "TargetGroupName": .string(group)]]]
        }
        let lbArgs: OrderedDictionary<String, Value> = [
            "name": .string(env), "subnets": [.string(subnet.subnetID)], "tags": tags, "listeners": [listener(env + "-tg")],
        ]
        let lb = try await runner.run(ELBApplicationLBModule(), lbArgs)
        XCTAssertTrue(lb.changed, lb.text)
        let lbAgain = try await runner.run(ELBApplicationLBModule(), lbArgs)
        XCTAssertFalse(lbAgain.changed, lbAgain.text)
        XCTAssertEqual(lbAgain.string("load_balancer_arn"), lb.string("load_balancer_arn"))
        let sameName = try await elb.describeLoadBalancers(names: [env])
        XCTAssertEqual(sameName.count, 1, "no second load balancer of that name")

        // The listener follows the task: pointed at the second group, in check mode first; with
        // purge_listeners false another listener stays, with the default it goes.
        var swapped = lbArgs
        swapped["listeners"] = [listener(env + "-tg2")]
        runner.checkMode = true
        let preview = try await runner.run(ELBApplicationLBModule(), swapped)
        runner.checkMode = false
        XCTAssertTrue(preview.changed, preview.text)
        let lbARN = try XCTUnwrap(lb.string("load_balancer_arn"))
        let before = try await elb.describeListeners(loadBalancerARN: lbARN)
        XCTAssertEqual(before.first?.forwardedTargetGroups, [tg.string("target_group_arn")!])
        _ = try await runner.run(ELBApplicationLBModule(), ["name": .string(env), "listeners": [listener(env + "-tg", port: 8081)],
                                                            "purge_listeners": false])
        let swap = try await runner.run(ELBApplicationLBModule(), swapped.merging(["purge_listeners": false]) { $1 })
        XCTAssertTrue(swap.changed, swap.text)
        let after = try await elb.describeListeners(loadBalancerARN: lbARN)
        XCTAssertEqual(after.first { $0.port == 80 }?.forwardedTargetGroups, [second.string("target_group_arn")!])
        XCTAssertEqual(Set(after.compactMap(\.port)), [80, 8081])
        let purged = try await runner.run(ELBApplicationLBModule(), swapped)
        XCTAssertTrue(purged.changed, purged.text)
        let remaining = try await elb.describeListeners(loadBalancerARN: lbARN)
        XCTAssertEqual(remaining.compactMap(\.port), [80])

        // Tags flip in place with purge_tags false (blue/green's IsProduction), the others stay.
        for flag in ["true", "false"] {
            let flip = try await runner.run(ELBTargetGroupModule(), ["name": .string(env + "-tg"), "tags": ["IsProduction": .string(flag)],
                                                                     "purge_tags": false, "state": "present"])
            XCTAssertTrue(flip.changed, flip.text)
            XCTAssertEqual(flip["tags"]?["IsProduction"]?.stringValue, flag)
            XCTAssertEqual(flip["tags"]?["managed-by"]?.stringValue, "play")
        }
        let same = try await runner.run(ELBTargetGroupModule(), ["name": .string(env + "-tg"), "tags": ["IsProduction": "false"],
                                                                 "purge_tags": false, "state": "present"])
        XCTAssertFalse(same.changed, same.text)

        let lbGone = try await runner.run(ELBApplicationLBModule(), ["name": .string(env), "state": "absent"])
        XCTAssertTrue(lbGone.changed, lbGone.text)
        for name in [env + "-tg", env + "-tg2"] {
            let gone = try await runner.run(ELBTargetGroupModule(), ["name": .string(name), "state": "absent"])
            XCTAssertTrue(gone.changed, gone.text)
        }
        let lbGoneAgain = try await runner.run(ELBApplicationLBModule(), ["name": .string(env), "state": "absent"])
        XCTAssertFalse(lbGoneAgain.changed, lbGoneAgain.text)
    }
}
