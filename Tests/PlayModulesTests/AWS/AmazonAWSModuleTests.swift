import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// The amazon.aws / community.aws modules against a real moto_server with signature checking on:
/// check mode sends no changing call, the collections' idempotence and counting rules hold.
/// (Their result shapes are compared with the real collections in EndToEndTests.AWSCompatTests.)
final class AmazonAWSModuleTests: AWSModuleTestCase {
    private func setUpAWS() async throws -> (AWSFixtures, AWSModuleRunner) {
        let server = try await moto()
        return (try await AWSFixtures.make(server), AWSModuleRunner(moto: server))
    }

    func testEC2InstanceCheckModeLaunchesNothingAndReportsTheSpec() async throws {
        let (f, runner) = try await setUpAWS()
        runner.checkMode = true
        runner.resetMetrics()
        let name = "check-\(UUID().uuidString.prefix(6))"
        let result = try await runner.run(EC2InstanceModule(), [
            "name": .string(name), "image_id": .string(f.imageID), "vpc_subnet_id": .string(f.subnetID), "tags": ["app": "x"],
        ])
        XCTAssertFalse(result.failed, result.text)
        XCTAssertTrue(result.changed)
        XCTAssertEqual(runner.requests("EC2.RunInstances"), 0)
        XCTAssertEqual(result["spec"]?["InstanceType"], "t2.micro")
        XCTAssertEqual(result["spec"]?["NetworkInterfaces"]?[0]?["SubnetId"]?.renderedString, f.subnetID)
        XCTAssertEqual(result["spec"]?["TagSpecifications"]?[0]?["Tags"]?.listValue?.count, 2, "app and Name")
    }

    func testExactCountLaunchesThenTerminatesTheOldestAndPurgesTags() async throws {
        let (f, runner) = try await setUpAWS()
        let app = "count-\(UUID().uuidString.prefix(6))"
        func count(_ n: Int, tags: OrderedDictionary<String, Value>) async throws -> TaskResult {
            try await runner.run(EC2InstanceModule(), [
                "image_id": .string(f.imageID), "vpc_subnet_id": .string(f.subnetID), "exact_count": .int(n),
                "filters": ["tag:app": .string(app), "instance-state-name": .list(["pending", "running"])],
                "tags": .dict(tags), "wait": true, "wait_timeout": 30,
            ])
        }
        let three = try await count(3, tags: ["app": .string(app), "extra": "1"])
        XCTAssertFalse(three.failed, three.text)
        XCTAssertEqual(three.strings("instance_ids").count, 3)
        let same = try await count(3, tags: ["app": .string(app), "extra": "1"])
        XCTAssertFalse(same.changed, same.text)
        XCTAssertEqual(same["msg"]?.renderedString, "3 instances already present, nothing to do.")

        let one = try await count(1, tags: ["app": .string(app)])
        XCTAssertTrue(one.changed, one.text)
        let left = try await runner.run(EC2DescribeInfoModule.instances, [
            "filters": ["tag:app": .string(app), "instance-state-name": .list(["running"])],
        ])
        let instances = left["instances"]?.listValue ?? []
        XCTAssertEqual(instances.count, 1)
        XCTAssertNil(instances.first?["tags"]?["extra"], "purge_tags removes tags the task does not list")
        let first = three.strings("instance_ids").sorted()
        XCTAssertTrue(first.contains(instances.first?["instance_id"]?.renderedString ?? ""))
    }

    func testStoppedThenRunningThenTerminatedReportsEachStep() async throws {
        let (f, runner) = try await setUpAWS()
        let name = "states-\(UUID().uuidString.prefix(6))"
        let launched = try await runner.run(EC2InstanceModule(), [
            "name": .string(name), "image_id": .string(f.imageID), "vpc_subnet_id": .string(f.subnetID), "wait": true,
        ])
        XCTAssertEqual(launched["instances"]?[0]?["state"]?["name"], "running", launched.text)
        let ids = launched["instance_ids"] ?? .list([])
        let stopped = try await runner.run(EC2InstanceModule(), ["instance_ids": ids, "state": "stopped"])
        XCTAssertEqual(stopped.strings("stop_success"), ids.listValue?.map(\.renderedString), stopped.text)
        let again = try await runner.run(EC2InstanceModule(), ["instance_ids": ids, "state": "stopped"])
        XCTAssertFalse(again.changed, again.text)
        let terminated = try await runner.run(EC2InstanceModule(), ["instance_ids": ids, "state": "absent"])
        XCTAssertEqual(terminated["instances"]?[0]?["state"]?["name"], "terminated", terminated.text)
        let gone = try await runner.run(EC2InstanceModule(), ["instance_ids": ids, "state": "absent"])
        XCTAssertFalse(gone.changed)
        XCTAssertEqual(gone["msg"], "No matching instances found")
    }

    func testS3ObjectOverwriteRulesAndCheckMode() async throws {
        let (f, runner) = try await setUpAWS()
        let bucket = "amazon-aws-\(UUID().uuidString.prefix(8).lowercased())"
        try await f.session.s3().createBucket(bucket)
        let put: OrderedDictionary<String, Value> = ["bucket": .string(bucket), "object": "a/b.txt", "content": "one", "mode": "put"]
        runner.checkMode = true
        let skipped = try await runner.run(S3ObjectModule(), put)
        XCTAssertTrue(skipped.changed)
        let uploaded = try await f.session.s3().objectInfo(bucket: bucket, key: "a/b.txt")
        XCTAssertNil(uploaded, "check mode uploaded")
        runner.checkMode = false
        do {
            let outcome = try await runner.run(S3ObjectModule(), put)
            XCTAssertTrue(outcome.changed)
        }
        do {
            let outcome = try await runner.run(S3ObjectModule(), put)
            XCTAssertFalse(outcome.changed, "same content, overwrite: different")
        }
        var never = put
        never["content"] = "two"
        never["overwrite"] = "never"
        do {
            let outcome = try await runner.run(S3ObjectModule(), never)
            XCTAssertFalse(outcome.changed)
        }
        never["overwrite"] = "always"
        do {
            let outcome = try await runner.run(S3ObjectModule(), never)
            XCTAssertTrue(outcome.changed)
        }

        let dest = FileManager.default.temporaryDirectory.appendingPathComponent("s3obj-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dest) }
        let get: OrderedDictionary<String, Value> = ["bucket": .string(bucket), "object": "a/b.txt", "dest": .string(dest), "mode": "get"]
        do {
            let outcome = try await runner.run(S3ObjectModule(), get)
            XCTAssertTrue(outcome.changed)
        }
        XCTAssertEqual(try String(contentsOfFile: dest, encoding: .utf8), "two")
        do {
            let outcome = try await runner.run(S3ObjectModule(), get)
            XCTAssertFalse(outcome.changed, "identical local file")
        }
        let missing = try await runner.run(S3ObjectModule(), ["bucket": .string(bucket), "mode": "put", "content": "x"])
        XCTAssertTrue(missing.failed)
        XCTAssertEqual(missing.message, "mode is put but all of the following are missing: object")
    }

    func testArgumentRulesAndOldNames() async throws {
        let runner = AWSModuleRunner(variables: [:])
        XCTAssertNotNil(runner.argumentError(EC2InstanceModule(), ["exact_count": 1, "count": 1]))
        XCTAssertNotNil(runner.argumentError(EC2InstanceModule(), ["state": "paused"]))
        XCTAssertNil(runner.argumentError(EC2InstanceModule(), ["subnet_id": "s", "instance_role": "r", "resource_tags": ["a": "b"]]))
        let registry = BuiltinModules.registry()
        XCTAssertEqual(registry.module(named: "aws_s3")?.spec.name, "s3_object")
        XCTAssertEqual(registry.module(named: "ec2_group_info")?.spec.name, "ec2_security_group_info")
        let refused = try await runner.run(EC2InstanceModule(), ["network_interfaces": .list([["subnet_id": "s"]])])
        XCTAssertEqual(refused.message, "ec2_instance: network_interfaces not supported by play yet")
        runner.checkMode = true
        let target = try await runner.run(ELBTargetModule(), ["target_group_name": "tg", "target_id": "i-1", "state": "present"])
        XCTAssertTrue(target.skipped, "community.aws.elb_target does not support check mode")
    }
}
