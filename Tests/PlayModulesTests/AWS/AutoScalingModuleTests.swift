import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// autoscaling_launch_config, autoscaling_group and autoscaling_group_info against a real
/// moto_server: waiting for viable instances, updates that change only what differs, tag purging,
/// rolling replacement onto a new launch configuration, check mode, and deletion.
final class AutoScalingModuleTests: AWSModuleTestCase {
    func testGroupWaitsUpdatesReplacesAndDeletes() async throws {
        let server = try await moto()
        let (f, runner) = (try await AWSFixtures.make(server), AWSModuleRunner(moto: server))
        let prefix = "a\(UUID().uuidString.prefix(6).lowercased())"
        for config in ["\(prefix)-lc1", "\(prefix)-lc2"] {
            let made = try await runner.run(AutoScalingLaunchConfigModule(), ["name": .string(config), "image_id": .string(f.imageID),
                                                                               "instance_type": "t2.micro"])
            XCTAssertTrue(made.changed, made.text)
            XCTAssertEqual(made["result"]?["launch_configuration_name"]?.renderedString, config)
        }
        let again = try await runner.run(AutoScalingLaunchConfigModule(), ["name": .string("\(prefix)-lc1"), "image_id": .string(f.imageID)])
        XCTAssertFalse(again.changed)
        XCTAssertEqual(again["arn"], .null, "an existing configuration echoes the request, as the collection does")

        func group(_ extra: OrderedDictionary<String, Value>) async throws -> TaskResult {
            let base: OrderedDictionary<String, Value> = [
                "name": .string("\(prefix)-asg"), "launch_config_name": .string("\(prefix)-lc1"), "min_size": 0, "max_size": 3,
                "desired_capacity": 2, "vpc_zone_identifier": .list([.string(f.subnetID)]), "wait_timeout": 60,
                "tags": .list([["app": .string(prefix), "propagate_at_launch": true], ["extra": "1"]]),
            ]
            return try await runner.run(AutoScalingGroupModule(), base.merging(extra) { $1 })
        }
        let created = try await group([:])
        XCTAssertTrue(created.changed, created.text)
        XCTAssertEqual(created["viable_instances"], 2, "wait_for_instances waits until the desired number are in service")
        XCTAssertEqual(created["launch_config_name"]?.renderedString, "\(prefix)-lc1")
        XCTAssertEqual(created["tags"]?.listValue?.count, 2)

        runner.resetMetrics()
        let same = try await group([:])
        XCTAssertFalse(same.changed, same.text)
        XCTAssertEqual(runner.requests("AutoScaling.UpdateAutoScalingGroup") + runner.requests("AutoScaling.CreateOrUpdateTags"), 0)

        runner.checkMode = true
        let wouldChange = try await group(["desired_capacity": 3])
        XCTAssertTrue(wouldChange.changed)
        XCTAssertEqual(runner.requests("AutoScaling.UpdateAutoScalingGroup"), 0, "check mode changes nothing")
        runner.checkMode = false

        let retagged = try await group(["tags": .list([["app": .string(prefix)]]), "purge_tags": true, "desired_capacity": 1])
        XCTAssertTrue(retagged.changed, retagged.text)
        XCTAssertEqual(retagged["tags"]?.listValue?.count, 1, retagged.text)
        XCTAssertEqual(retagged["desired_capacity"], 1)

        let replaced = try await group(["launch_config_name": .string("\(prefix)-lc2"), "replace_all_instances": true,
                                        "tags": .list([["app": .string(prefix)]]), "desired_capacity": 1])
        XCTAssertTrue(replaced.changed, replaced.text)
        let facts = replaced["instance_facts"]?.dictValue?.values.map { $0["launch_config_name"]?.renderedString } ?? []
        XCTAssertFalse(facts.isEmpty, replaced.text)
        XCTAssertTrue(facts.allSatisfy { $0 == "\(prefix)-lc2" }, "every instance now runs the new configuration: \(facts)")

        let info = try await runner.run(AutoScalingGroupInfoModule(), ["name": .string(prefix), "tags": ["app": .string(prefix)]])
        XCTAssertEqual(info["results"]?.listValue?.count, 1, info.text)
        XCTAssertEqual(info["results"]?[0]?["launch_config_name"]?.renderedString, "\(prefix)-lc2")
        let none = try await runner.run(AutoScalingGroupInfoModule(), ["name": .string(prefix), "tags": ["app": "other"]])
        XCTAssertEqual(none["results"]?.listValue?.count, 0)

        let gone = try await runner.run(AutoScalingGroupModule(), ["name": .string("\(prefix)-asg"), "state": "absent", "wait_timeout": 60])
        XCTAssertTrue(gone.changed, gone.text)
        let twice = try await runner.run(AutoScalingGroupModule(), ["name": .string("\(prefix)-asg"), "state": "absent"])
        XCTAssertFalse(twice.changed)
        for config in ["\(prefix)-lc1", "\(prefix)-lc2"] {
            let deleted = try await runner.run(AutoScalingLaunchConfigModule(), ["name": .string(config), "state": "absent"])
            XCTAssertTrue(deleted.changed, deleted.text)
        }
    }

    func testCreatingWithoutSizesOrLaunchSettingsSaysWhatIsMissing() async throws {
        let runner = AWSModuleRunner(moto: try await moto())
        let result = try await runner.run(AutoScalingGroupModule(), ["name": .string("never-\(UUID().uuidString.prefix(6))")])
        XCTAssertTrue(result.failed)
        XCTAssertTrue(result.text.contains("min_size"), result.text)
        XCTAssertTrue(result.text.contains("launch_config_name or launch_template"), result.text)
        XCTAssertNotNil(runner.argumentError(AutoScalingGroupModule(), ["name": "x", "launch_config_name": "a", "launch_template": ["version": "1"]]))
    }
}
