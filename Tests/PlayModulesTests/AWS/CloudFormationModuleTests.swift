import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// cloudformation and cloudformation_info against a real moto_server: create with outputs,
/// check mode describing a change set without executing it, `create_changeset` leaving one for
/// review, and deletion.
final class CloudFormationModuleTests: AWSModuleTestCase {
    static func template(_ parameterName: String = "QueueName") -> String {
        Value.dict([
            "AWSTemplateFormatVersion": "2010-09-09",
            "Parameters": .dict([parameterName: ["Type": "String"]]),
            "Resources": ["Queue": ["Type": "AWS::SQS::Queue", "Properties": ["QueueName": ["Ref": .string(parameterName)]]]],
            "Outputs": ["QueueArn": ["Value": ["Fn::GetAtt": .list(["Queue", "Arn"])]]],
        ]).jsonString()
    }

    func testStackIsCreatedCheckModeDescribesChangesAndChangeSetsWaitForReview() async throws {
        let runner = AWSModuleRunner(moto: try await moto())
        let stack = "s\(UUID().uuidString.prefix(8).lowercased())"
        func args(_ queue: String, _ extra: OrderedDictionary<String, Value> = [:]) -> OrderedDictionary<String, Value> {
            let base: OrderedDictionary<String, Value> = [
                "stack_name": .string(stack), "template_body": .string(Self.template()),
                "template_parameters": .dict(["QueueName": .string(queue)]), "tags": .dict(["app": "cfn"]),
            ]
            return base.merging(extra) { $1 }
        }

        runner.checkMode = true
        let wouldCreate = try await runner.run(CloudFormationModule(), args("\(stack)-q1"))
        XCTAssertTrue(wouldCreate.changed)
        XCTAssertEqual(wouldCreate["msg"], "New stack would be created")
        runner.checkMode = false

        let created = try await runner.run(CloudFormationModule(), args("\(stack)-q1"))
        XCTAssertFalse(created.failed, created.text)
        XCTAssertEqual(created["output"], "Stack CREATE complete")
        XCTAssertEqual(created["stack_outputs"]?["QueueArn"]?.renderedString, "arn:aws:sqs:us-east-1:123456789012:\(stack)-q1")
        XCTAssertEqual(created["stack_resources"]?[0]?["logical_resource_id"], "Queue")
        XCTAssertEqual(created["stack_resources"]?[0]?["resource_type"], "AWS::SQS::Queue")

        // Check mode on an existing stack: a change set is made, described and deleted, never executed.
        runner.checkMode = true
        runner.resetMetrics()
        let described = try await runner.run(CloudFormationModule(), args("\(stack)-q2"))
        XCTAssertTrue(described.changed, described.text)
        XCTAssertEqual(described["meta"]?[0]?["ResourceChange"]?["LogicalResourceId"], "Queue", described.text)
        XCTAssertEqual(runner.requests("CloudFormation.CreateChangeSet"), 1)
        XCTAssertEqual(runner.requests("CloudFormation.DeleteChangeSet"), 1)
        XCTAssertEqual(runner.requests("CloudFormation.ExecuteChangeSet") + runner.requests("CloudFormation.UpdateStack"), 0)
        runner.checkMode = false

        let changeSet = try await runner.run(CloudFormationModule(), args("\(stack)-q2", ["create_changeset": true,
                                                                                          "changeset_name": "review-me"]))
        XCTAssertFalse(changeSet.failed, changeSet.text)
        XCTAssertTrue(changeSet["change_set_id"]?.renderedString.contains("review-me") ?? false, changeSet.text)
        XCTAssertEqual(changeSet["warnings"]?.listValue?.count, 3)
        let info = try await runner.run(CloudFormationInfoModule(), ["stack_name": .string(stack), "all_facts": true])
        let facts = info["cloudformation"]?[stack]
        XCTAssertEqual(facts?["stack_parameters"]?["QueueName"]?.renderedString, "\(stack)-q1", "the change set is not executed")
        XCTAssertEqual(facts?["stack_change_sets"]?[0]?["change_set_name"], "review-me", info.text)
        XCTAssertEqual(facts?["stack_tags"], ["app": "cfn"])
        XCTAssertEqual(facts?["stack_template"]?["Resources"]?["Queue"]?["Type"], "AWS::SQS::Queue")
        XCTAssertEqual(facts?["stack_resources"]?["Queue"]?.renderedString.hasSuffix("\(stack)-q1"), true)
        let again = try await runner.run(CloudFormationModule(), args("\(stack)-q2", ["create_changeset": true,
                                                                                      "changeset_name": "review-me"]))
        XCTAssertFalse(again.changed, again.text)
        XCTAssertEqual(again["output"]?.renderedString, "ChangeSet review-me already exists.")

        let deleted = try await runner.run(CloudFormationModule(), ["stack_name": .string(stack), "state": "absent"])
        XCTAssertTrue(deleted.changed, deleted.text)
        XCTAssertEqual(deleted["output"], "Stack Deleted")
        let none = try await runner.run(CloudFormationInfoModule(), ["stack_name": .string(stack)])
        XCTAssertEqual(none["cloudformation"], .dict([:]))
        let twice = try await runner.run(CloudFormationModule(), ["stack_name": .string(stack), "state": "absent"])
        XCTAssertFalse(twice.changed)
    }

    func testArgumentsAreCheckedAsTheCollectionChecksThem() async throws {
        let runner = AWSModuleRunner(moto: try await moto())
        XCTAssertNotNil(runner.argumentError(CloudFormationModule(), ["stack_name": "x", "template_body": "{}", "template_url": "http://x"]))
        XCTAssertNotNil(runner.argumentError(CloudFormationModule(), ["stack_name": "x", "disable_rollback": true,
                                                                      "on_create_failure": "DELETE"]))
        let bad = try await runner.run(CloudFormationModule(), ["stack_name": "x", "template_body": "{}",
                                                                "capabilities": .list(["CAPABILITY_EVERYTHING"])])
        XCTAssertTrue(bad.failed)
        XCTAssertTrue(bad.text.contains("CAPABILITY_EVERYTHING"), bad.text)
        let unmade: Value = .string("never-made-\(UUID().uuidString.prefix(6))")
        let noTemplate = try await runner.run(CloudFormationModule(), ["stack_name": unmade])
        XCTAssertTrue(noTemplate.failed)
        XCTAssertTrue(noTemplate.text.contains("template_body"), noTemplate.text)
    }
}
