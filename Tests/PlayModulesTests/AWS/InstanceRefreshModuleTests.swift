import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// instance_refresh and amazon.aws autoscaling_instance_refresh(_info) against a private sandbox,
/// whose AWS endpoint runs instance refreshes (moto has none): a group of two version-1
/// instances; a refresh to version 2 that outlives `wait_timeout` and is cancelled (after the
/// batch under way); the collection's start, check mode and cancel; argument errors.
final class InstanceRefreshModuleTests: XCTestCase {
    func testTimeoutCancelsAndTheCollectionModulesStartDescribeAndCancel() async throws {
        let sandbox = try PrivateSandbox.up()
        defer { sandbox.down() }
        let runner = AWSModuleRunner(variables: [
            "aws_access_key_id": sandbox.credentials["aws_access_key_id"] ?? .null,
            "aws_secret_access_key": sandbox.credentials["aws_secret_access_key"] ?? .null,
            "aws_region": .string(sandbox.string("aws_region")), "aws_endpoint_url": .string(sandbox.string("aws_endpoint_url")),
        ])
        let images = sandbox.vars["app_images"]
        var latest = ""
        for version in ["1", "2"] {
            let template = try await runner.run(EC2LaunchTemplateModule(), [
                "name": "refresh-test", "image_id": images?[version] ?? .null, "instance_type": "t3.micro"])
            XCTAssertFalse(template.failed, template.text)
            latest = template["latest_version"]?.renderedString ?? ""
        }
        XCTAssertEqual(latest, "2")
        let group = try await runner.run(AutoScalingGroupModule(), [
            "name": "refresh-test", "launch_template": ["launch_template_name": "refresh-test", "version": "1"],
            "min_size": 1, "max_size": 4, "desired_capacity": 2, "vpc_zone_identifier": .list([.string(sandbox.string("subnet_id"))]),
            "target_group_arns": .list([.string(sandbox.string("target_group_arn"))]), "health_check_type": "ELB",
            "health_check_period": 10, "wait_timeout": 60,
        ])
        XCTAssertFalse(group.failed, group.text)
        let healthy = try await runner.run(HealthWaitModule(), [
            "target_group_arn": .string(sandbox.string("target_group_arn")), "targets": group["instances"] ?? .list([]), "timeout": 60])
        XCTAssertFalse(healthy.failed, healthy.text)

        // Check mode starts nothing.
        runner.checkMode = true
        let planned = try await runner.run(InstanceRefreshModule(), ["name": "refresh-test"])
        XCTAssertTrue(planned.changed, planned.text)
        runner.checkMode = false
        let none = try await runner.run(AutoScalingInstanceRefreshInfoModule(), ["name": "refresh-test"])
        XCTAssertEqual(none["instance_refreshes"], .list([]), none.text)

        // A refresh longer than wait_timeout is cancelled; the batch under way finishes first.
        let timedOut = try await runner.run(InstanceRefreshModule(), [
            "name": "refresh-test", "launch_template": ["launch_template_name": "refresh-test", "version": "2"],
            "preferences": ["min_healthy_percentage": "50", "instance_warmup": 0, "skip_matching": "yes"],
            "wait_timeout": 1, "on_timeout": "cancel",
        ])
        XCTAssertTrue(timedOut.failed, timedOut.text)
        XCTAssertEqual(timedOut.string("status"), "Cancelled", timedOut.text)
        XCTAssertTrue(timedOut.message?.contains("did not finish within 1 s; cancel") ?? false, timedOut.text)
        XCTAssertEqual(timedOut["instance_refresh"]?["preferences"]?["min_healthy_percentage"], 50, timedOut.text)
        XCTAssertEqual(timedOut["instance_refresh"]?["desired_configuration"]?["launch_template"]?["version"], "2", timedOut.text)
        XCTAssertTrue(runner.progress.messages.contains { $0.hasPrefix("InProgress: 0% done, 2 to update") }, "\(runner.progress.messages)")
        XCTAssertTrue(runner.progress.messages.contains { $0.hasPrefix("Cancelled:") }, "\(runner.progress.messages)")

        // The collection's module: start (its preferences), check mode, cancel, then _info lists both.
        let started = try await runner.run(AutoScalingInstanceRefreshModule(), [
            "name": "refresh-test", "state": "started", "preferences": ["min_healthy_percentage": 50, "skip_matching": true]])
        XCTAssertFalse(started.failed, started.text)
        XCTAssertFalse(started.changed, "the collection never sets changed")
        let refresh = started["instance_refreshes"]
        XCTAssertEqual(refresh?["auto_scaling_group_name"], "refresh-test")
        XCTAssertEqual(refresh?["preferences"]?["skip_matching"], true)
        XCTAssertTrue(["Pending", "InProgress"].contains(refresh?["status"]?.renderedString ?? ""), started.text)
        runner.checkMode = true
        let again = try await runner.run(AutoScalingInstanceRefreshModule(), ["name": "refresh-test", "state": "started"])
        XCTAssertFalse(again.changed)
        XCTAssertEqual(again.message, "In check_mode - Instance Refresh is already in progress, can not start new instance refresh.")
        runner.checkMode = false
        let busy = try await runner.run(InstanceRefreshModule(), ["name": "refresh-test"])
        XCTAssertTrue(busy.failed && (busy.message?.contains("wait for it or cancel it first") ?? false), busy.text)
        let cancelled = try await runner.run(AutoScalingInstanceRefreshModule(), ["name": "refresh-test", "state": "cancelled"])
        XCTAssertFalse(cancelled.failed, cancelled.text)
        XCTAssertEqual(cancelled["instance_refreshes"]?["instance_refresh_id"], refresh?["instance_refresh_id"])
        var listed = TaskResult()
        for _ in 0..<120 {
            listed = try await runner.run(AutoScalingInstanceRefreshInfoModule(), ["name": "refresh-test"])
            if listed["instance_refreshes"]?.listValue?.first?["status"] == "Cancelled" { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let statuses = (listed["instance_refreshes"]?.listValue ?? []).map { $0["status"]?.renderedString ?? "" }
        XCTAssertEqual(statuses, ["Cancelled", "Cancelled"], listed.text)
        XCTAssertEqual(listed["next_token"], "")
        let one = try await runner.run(AutoScalingInstanceRefreshInfoModule(), [
            "name": "refresh-test", "ids": .list([refresh?["instance_refresh_id"] ?? .null])])
        XCTAssertEqual(one["instance_refreshes"]?.listValue?.count, 1, one.text)

        // Argument errors, with the collection's messages.
        let tooHigh = try await runner.run(AutoScalingInstanceRefreshModule(), [
            "name": "refresh-test", "state": "started", "preferences": ["min_healthy_percentage": 50, "max_healthy_percentage": 250]])
        XCTAssertEqual(tooHigh.message, "The value range for the max_healthy_percentage is 100 to 200.")
        let withCancel = try await runner.run(AutoScalingInstanceRefreshModule(), [
            "name": "refresh-test", "state": "cancelled", "preferences": ["min_healthy_percentage": 50]])
        XCTAssertEqual(withCancel.message, "can not pass preferences dict when canceling a refresh")
        let unknown = try await runner.run(InstanceRefreshModule(), ["name": "refresh-test", "preferences": ["bake": 1]])
        XCTAssertTrue(unknown.failed && (unknown.message?.contains("Unsupported parameters for (preferences)") ?? false), unknown.text)
    }
}
