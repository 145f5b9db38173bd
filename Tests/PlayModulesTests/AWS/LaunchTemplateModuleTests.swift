import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// ec2_launch_template against a real moto_server: a version only when the data differs, the
/// default version following `default_version`, check mode, and deletion.
final class LaunchTemplateModuleTests: AWSModuleTestCase {
    func testVersionsAreAddedOnlyForNewDataAndTheDefaultFollows() async throws {
        let server = try await moto()
        let (f, runner) = (try await AWSFixtures.make(server), AWSModuleRunner(moto: server))
        let name = "lt-\(UUID().uuidString.prefix(6).lowercased())"
        func template(_ extra: OrderedDictionary<String, Value>) async throws -> TaskResult {
            let base: OrderedDictionary<String, Value> = [
                "name": .string(name), "image_id": .string(f.imageID), "instance_type": "t3.micro",
                "block_device_mappings": .list([["device_name": "/dev/sda1", "ebs": ["volume_size": 8, "volume_type": "gp3"]]]),
                "metadata_options": ["http_tokens": "required"],
            ]
            return try await runner.run(EC2LaunchTemplateModule(), base.merging(extra) { $1 })
        }
        let created = try await template([:])
        XCTAssertTrue(created.changed, created.text)
        XCTAssertEqual(created["latest_version"], 1)
        XCTAssertEqual(created["latest_template"]?["launch_template_data"]?["block_device_mappings"]?[0]?["ebs"]?["volume_size"], 8,
                       created.text)
        XCTAssertEqual(created["latest_template"]?["launch_template_data"]?["metadata_options"]?["http_tokens"], "required")

        let same = try await template([:])
        XCTAssertFalse(same.changed, "the same data makes no version: \(same.text)")

        runner.checkMode = true
        let wouldAdd = try await template(["instance_type": "t3.small"])
        XCTAssertTrue(wouldAdd.changed)
        runner.checkMode = false
        let second = try await template(["instance_type": "t3.small", "default_version": "1"])
        XCTAssertTrue(second.changed, second.text)
        XCTAssertEqual(second["latest_version"], 2, "check mode made no version")
        XCTAssertEqual(second["default_version"], 1)
        let latest = try await template(["instance_type": "t3.small"])
        XCTAssertTrue(latest.changed, "default_version latest moves the default: \(latest.text)")
        XCTAssertEqual(latest["default_version"], 2)
        XCTAssertEqual(latest["versions"]?.listValue?.count, 2)

        let gone = try await runner.run(EC2LaunchTemplateModule(), ["name": .string(name), "state": "absent"])
        XCTAssertTrue(gone.changed, gone.text)
        XCTAssertEqual(gone["deleted_template"]?["launch_template_name"]?.renderedString, name)
        let twice = try await runner.run(EC2LaunchTemplateModule(), ["name": .string(name), "state": "absent"])
        XCTAssertFalse(twice.changed)
    }
}
