import Foundation
import PlayBase
import PlayInventory
import PlayInventoryPlugins
import XCTest

/// Plugin sources that cannot be read fail before any request, with the place and what to do.
final class InventoryPluginErrorsTests: XCTestCase {
    func load(_ text: String, named name: String) async -> Diagnostic? {
        let dir = NSTemporaryDirectory() + "play-plugin-errors-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/" + name
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try await Inventory.load(sources: [path], playbookDirectory: nil, loader: YAMLLoader(),
                                         plugins: BuiltinInventoryPlugins.all(environment: ["AWS_EC2_METADATA_DISABLED": "true"]))
            return nil
        } catch {
            return error as? Diagnostic
        }
    }

    func testFileNameThePluginRefuses() async {
        let d = await load("plugin: amazon.aws.aws_ec2\nregions: [us-east-1]\n", named: "fleet.yml")
        XCTAssertEqual(d?.message.hasSuffix("is not a valid file name for the inventory plugin 'amazon.aws.aws_ec2'"), true, "\(String(describing: d))")
        XCTAssertEqual(d?.notes, ["name the file NAME.aws_ec2.yml or NAME.aws_ec2.yaml"])
    }

    func testUnknownPluginSuggestsTheNearOne() async {
        let d = await load("plugin: amazon.aws.aws_ec3\n", named: "fleet.aws_ec2.yml")
        XCTAssertEqual(d?.message, "inventory plugin 'amazon.aws.aws_ec3' is not supported")
        XCTAssertEqual(d?.notes.last, "did you mean 'amazon.aws.aws_ec2'?")
    }

    func testMisspelledOptionIsAnErrorAtItsLine() async {
        let d = await load("plugin: aws_ec2\nregoins: [us-east-1]\n", named: "fleet.aws_ec2.yaml")
        XCTAssertEqual(d?.message, "'regoins' is not an option of the aws_ec2 inventory plugin")
        XCTAssertEqual(d?.location?.line, 2)
        XCTAssertEqual(d?.notes, ["did you mean 'regions'?"])
    }

    func testFeaturesPlayDoesNotFetchAreRefused() async {
        let d = await load("plugin: aws_ec2\nregions: [us-east-1]\nuse_ssm_inventory: true\n", named: "fleet.aws_ec2.yml")
        XCTAssertEqual(d?.message, "play's aws_ec2 inventory does not fetch SSM inventory (use_ssm_inventory)")
    }
}
