import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// ec2_vpc_igw, ec2_vpc_route_table, ec2_vpc_nat_gateway, ec2_vol and ec2_snapshot against a real
/// moto_server: check mode sends no changing call, a second run changes nothing, the collections'
/// argument rules fail before any call; and the collections' redirected old names resolve.
/// (Result shapes are compared with the real collections in EndToEndTests.AWSCompatNetworkTests.)
final class AmazonAWSNetworkModuleTests: AWSModuleTestCase {
    private func setUpAWS() async throws -> (AWSFixtures, AWSModuleRunner) {
        let server = try await moto()
        return (try await AWSFixtures.make(server), AWSModuleRunner(moto: server))
    }

    func testGatewayAndRouteTableCheckModeChangeNothingThenRunsAreIdempotent() async throws {
        let (f, runner) = try await setUpAWS()
        let tag = "rt-\(UUID().uuidString.prefix(6))"
        runner.checkMode = true
        runner.resetMetrics()
        let igwCheck = try await runner.run(EC2VPCIGWModule(), ["vpc_id": .string(f.vpcID)])
        XCTAssertTrue(igwCheck.changed, igwCheck.text)
        XCTAssertEqual(igwCheck["gateway_id"], .null)
        let table: OrderedDictionary<String, Value> = [
            "vpc_id": .string(f.vpcID), "tags": ["Name": .string(tag)], "subnets": [.string(f.subnetID)],
            "routes": [["dest": "0.0.0.0/0", "gateway_id": "igw"]],
        ]
        XCTAssertEqual(runner.requests("EC2.CreateInternetGateway") + runner.requests("EC2.CreateRouteTable"), 0)

        runner.checkMode = false
        let igw = try await runner.run(EC2VPCIGWModule(), ["vpc_id": .string(f.vpcID), "tags": ["Name": .string(tag)]])
        XCTAssertTrue(igw.changed, igw.text)
        XCTAssertEqual(igw["vpc_id"]?.renderedString, f.vpcID)
        XCTAssertEqual(igw["tags"]?["Name"]?.renderedString, tag)
        let created = try await runner.run(EC2VPCRouteTableModule(), table)
        XCTAssertTrue(created.changed, created.text)
        let routes = created["route_table"]?["routes"]?.listValue ?? []
        XCTAssertTrue(routes.contains { $0["gateway_id"] == igw["gateway_id"] && $0["destination_cidr_block"] == "0.0.0.0/0" }, created.text)
        XCTAssertEqual(created["route_table"]?["associations"]?[0]?["subnet_id"]?.renderedString, f.subnetID)

        runner.checkMode = true
        let checkAgain = try await runner.run(EC2VPCRouteTableModule(), table)
        XCTAssertFalse(checkAgain.changed, checkAgain.text)
        runner.checkMode = false
        let again = try await runner.run(EC2VPCRouteTableModule(), table)
        XCTAssertFalse(again.changed, again.text)
        XCTAssertEqual(again["route_table"]?["id"], created["route_table"]?["id"])

        var purged = table
        purged["routes"] = .list([])
        purged["subnets"] = .list([])
        let emptied = try await runner.run(EC2VPCRouteTableModule(), purged)
        XCTAssertTrue(emptied.changed)
        XCTAssertEqual(emptied["route_table"]?["routes"]?.listValue?.count, 1, "only the local route stays: \(emptied.text)")
        XCTAssertEqual(emptied["route_table"]?["associations"]?.listValue?.count, 0, emptied.text)

        let gone = try await runner.run(EC2VPCRouteTableModule(), ["vpc_id": .string(f.vpcID), "tags": ["Name": .string(tag)], "state": "absent"])
        XCTAssertTrue(gone.changed, gone.text)
        let igwGone = try await runner.run(EC2VPCIGWModule(), ["vpc_id": .string(f.vpcID), "state": "absent"])
        XCTAssertTrue(igwGone.changed, igwGone.text)
        let igwGoneAgain = try await runner.run(EC2VPCIGWModule(), ["vpc_id": .string(f.vpcID), "state": "absent"])
        XCTAssertFalse(igwGoneAgain.changed)
    }

    func testArgumentRulesFailBeforeAnyCall() async throws {
        let (_, runner) = try await setUpAWS()
        runner.resetMetrics()
        let noVPC = try await runner.run(EC2VPCRouteTableModule(), ["tags": ["Name": "x"]])
        XCTAssertTrue(noVPC.failed)
        XCTAssertEqual(noVPC["msg"], "lookup is tag but all of the following are missing: vpc_id")
        let noID = try await runner.run(EC2VPCNATGatewayModule(), ["state": "absent"])
        XCTAssertEqual(noID["msg"], "state is absent but all of the following are missing: nat_gateway_id")
        let igw = try await runner.run(EC2VPCIGWModule(), ["state": "absent"])
        XCTAssertEqual(igw["msg"], "state is absent but any of the following are missing: internet_gateway_id, vpc_id")
        let iops = try await runner.run(EC2VolumeModule(), ["volume_size": 5, "zone": "us-east-1a", "iops": 100])
        XCTAssertEqual(iops["msg"], "IOPS is not supported for gp2, st1, sc1, or standard volumes.")
        XCTAssertEqual(runner.metrics.requestsByOperation.count, 0, "\(runner.metrics.requestsByOperation)")
    }

    func testNATGatewayIsReusedInItsSubnetAndDeletedWithItsAddress() async throws {
        let (f, runner) = try await setUpAWS()
        let args: OrderedDictionary<String, Value> = ["subnet_id": .string(f.subnetID), "if_exist_do_not_create": true, "wait": true]
        let nat = try await runner.run(EC2VPCNATGatewayModule(), args)
        XCTAssertTrue(nat.changed, nat.text)
        XCTAssertEqual(nat["state"], "available")
        let allocation = try XCTUnwrap(nat["nat_gateway_addresses"]?[0]?["allocation_id"]?.renderedString)
        let again = try await runner.run(EC2VPCNATGatewayModule(), args)
        XCTAssertFalse(again.changed, again.text)
        XCTAssertEqual(again["nat_gateway_id"], nat["nat_gateway_id"])
        let gone = try await runner.run(EC2VPCNATGatewayModule(), ["nat_gateway_id": nat["nat_gateway_id"] ?? .null, "state": "absent",
                                                                   "release_eip": true])
        XCTAssertTrue(gone.changed, gone.text)
        let addresses = try await runner.run(EC2DescribeInfoModule.addresses, ["filters": ["allocation-id": .string(allocation)]])
        XCTAssertEqual(addresses["addresses"]?.listValue?.count, 0, "release_eip releases the address")
    }

    func testVolumeAttachesOnceSnapshotsAndIsDeleted() async throws {
        let (f, runner) = try await setUpAWS()
        let instance = try await f.instances(1)[0]
        let zone = try await moto().region + "a"
        let name = "vol-\(UUID().uuidString.prefix(6))"
        let volume = try await runner.run(EC2VolumeModule(), ["name": .string(name), "volume_size": 4, "zone": .string(zone)])
        XCTAssertTrue(volume.changed, volume.text)
        XCTAssertEqual(volume["volume"]?["tags"]?["Name"]?.renderedString, name)
        let id = volume["volume_id"] ?? .null
        let attach: OrderedDictionary<String, Value> = ["id": id, "instance": .string(instance), "device_name": "/dev/sdg",
                                                        "delete_on_termination": true]
        let attached = try await runner.run(EC2VolumeModule(), attach)
        XCTAssertTrue(attached.changed, attached.text)
        XCTAssertEqual(attached["volume"]?["attachment_set"]?[0]?["instance_id"]?.renderedString, instance)
        let again = try await runner.run(EC2VolumeModule(), attach)
        XCTAssertFalse(again.changed, "attaching again changes nothing: \(again.text)")

        runner.checkMode = true
        runner.resetMetrics()
        let snapCheck = try await runner.run(EC2SnapshotModule(), ["volume_id": id])
        XCTAssertTrue(snapCheck.changed, snapCheck.text)
        XCTAssertEqual(runner.requests("EC2.CreateSnapshot"), 0)
        runner.checkMode = false
        let snap = try await runner.run(EC2SnapshotModule(), ["volume_id": id, "snapshot_tags": ["app": "t"]])
        XCTAssertTrue(snap.changed, snap.text)
        XCTAssertEqual(snap["tags"]?["Name"]?.renderedString, name, "the volume's Name goes to the snapshot")
        let reused = try await runner.run(EC2SnapshotModule(), ["volume_id": id, "last_snapshot_min_age": 10])
        XCTAssertFalse(reused.changed, reused.text)
        XCTAssertEqual(reused["snapshot_id"], snap["snapshot_id"])
        let snapGone = try await runner.run(EC2SnapshotModule(), ["snapshot_id": snap["snapshot_id"] ?? .null, "state": "absent"])
        XCTAssertTrue(snapGone.changed, snapGone.text)

        let deleted = try await runner.run(EC2VolumeModule(), ["id": id, "state": "absent"])
        XCTAssertTrue(deleted.changed, deleted.text)
        let deletedAgain = try await runner.run(EC2VolumeModule(), ["id": id, "state": "absent"])
        XCTAssertFalse(deletedAgain.changed, deletedAgain.text)
    }

    func testImageFromSnapshotIsRegisteredSharedAndDeregisteredWithItsSnapshots() async throws {
        let (_, runner) = try await setUpAWS()
        let zone = try await moto().region + "a"
        let volume = try await runner.run(EC2VolumeModule(), ["volume_size": 2, "zone": .string(zone)])
        let snap = try await runner.run(EC2SnapshotModule(), ["volume_id": volume["volume_id"] ?? .null])
        XCTAssertFalse(snap.failed, snap.text)
        let name = "ami-\(UUID().uuidString.prefix(6))"
        let register: OrderedDictionary<String, Value> = [
            "name": .string(name), "root_device_name": "/dev/sda1", "tags": ["app": "t"],
            "device_mapping": [["device_name": "/dev/sda1", "snapshot_id": snap["snapshot_id"] ?? .null, "volume_size": 2]],
        ]
        runner.checkMode = true
        runner.resetMetrics()
        let check = try await runner.run(EC2AMIModule(), register)
        XCTAssertTrue(check.changed, check.text)
        XCTAssertEqual(runner.requests("EC2.RegisterImage"), 0)
        runner.checkMode = false
        let image = try await runner.run(EC2AMIModule(), register)
        XCTAssertTrue(image.changed, image.text)
        XCTAssertEqual(image["name"]?.renderedString, name)
        XCTAssertEqual(image["tags"]?["app"], "t")
        // moto registers an image with a root snapshot of its own, whatever the mappings say.
        let root = try XCTUnwrap(image["block_device_mapping"]?["/dev/sda1"]?["snapshot_id"]?.renderedString, image.text)
        let share: OrderedDictionary<String, Value> = ["image_id": image["image_id"] ?? .null, "launch_permissions": ["group_names": ["all"]]]
        let shared = try await runner.run(EC2AMIModule(), share)
        XCTAssertTrue(shared.changed, shared.text)
        XCTAssertEqual(shared["launch_permissions"], [["group": "all"]])
        let same = try await runner.run(EC2AMIModule(), share)
        XCTAssertFalse(same.changed, same.text)
        let gone = try await runner.run(EC2AMIModule(), ["image_id": image["image_id"] ?? .null, "state": "absent", "delete_snapshot": true])
        XCTAssertEqual(gone.strings("snapshots_deleted"), [root], gone.text)
    }

    func testTheCollectionsRedirectedNamesResolveToTheirTargets() {
        let registry = BuiltinModules.registry()
        XCTAssertEqual(registry.spec(named: "aws_s3")?.name, "s3_object")
        XCTAssertEqual(registry.spec(named: "ec2_group")?.name, "ec2_security_group")
        XCTAssertEqual(registry.spec(named: "ec2_group_info")?.name, "ec2_security_group_info")
        XCTAssertEqual(registry.spec(named: "ec2_vpc_route_table")?.name, "ec2_vpc_route_table")
        XCTAssertNil(registry.spec(named: "aws_acm"), "a redirect to a module play lacks stays unknown")
        for (old, target) in CollectionRedirects.modules where registry.spec(named: target) != nil {
            XCTAssertNotNil(registry.spec(named: old), "\(old) → \(target)")
        }
    }
}
