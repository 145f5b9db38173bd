import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// iam_role, iam_role_info, iam_policy and iam_instance_profile against a real moto_server:
/// idempotence, purging, check mode sending no changing call, and deletion order.
final class IAMModuleTests: AWSModuleTestCase {
    static let trust: Value = [
        "Version": "2012-10-17",
        "Statement": .list([["Effect": "Allow", "Principal": ["Service": "ec2.amazonaws.com"], "Action": "sts:AssumeRole"]]),
    ]

    private func setUpIAM() async throws -> (MotoServer, AWSModuleRunner, String) {
        let server = try await moto()
        return (server, AWSModuleRunner(moto: server), "t\(UUID().uuidString.prefix(8).lowercased())")
    }

    /// A customer managed policy made directly (moto loads no AWS managed policies by default).
    private func managedPolicy(_ server: MotoServer, _ name: String) async throws -> String {
        let session = server.session()
        defer { session.shutdown() }
        var request = session.iam().request("CreatePolicy")
        request.set("PolicyName", name)
        request.set("PolicyDocument", #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#)
        return try await session.iam().send(request, idempotent: false).string("Policy", "Arn") ?? ""
    }

    func testRoleAttachesPoliciesByNameIsIdempotentAndPurges() async throws {
        let (server, runner, name) = try await setUpIAM()
        let arn = try await managedPolicy(server, "\(name)-read")
        let args: OrderedDictionary<String, Value> = [
            "name": .string(name), "assume_role_policy_document": .string(Self.trust.jsonString()),
            "managed_policies": .list([.string("\(name)-read")]), "description": "first", "tags": ["app": "web"],
        ]
        let created = try await runner.run(IAMRoleModule(), args)
        XCTAssertTrue(created.changed, created.text)
        XCTAssertEqual(created["iam_role"]?["attached_policies"]?[0]?["policy_arn"]?.renderedString, arn)
        XCTAssertEqual(created["iam_role"]?["tags"], ["app": "web"])
        XCTAssertEqual(created["iam_role"]?["assume_role_policy_document"]?["Statement"]?[0]?["Action"], "sts:AssumeRole")

        // The same document as YAML, keys in another order: no change.
        var same = args
        same["assume_role_policy_document"] = ["Statement": Self.trust["Statement"] ?? .null, "Version": "2012-10-17"]
        let again = try await runner.run(IAMRoleModule(), same)
        XCTAssertFalse(again.changed, again.text)

        // Check mode reports a change and sends nothing that changes.
        runner.checkMode = true
        runner.resetMetrics()
        var described = args
        described["description"] = "second"
        described["tags"] = ["app": "api"]
        let checked = try await runner.run(IAMRoleModule(), described)
        XCTAssertTrue(checked.changed, checked.text)
        XCTAssertEqual(runner.requests("IAM.UpdateRole") + runner.requests("IAM.TagRole") + runner.requests("IAM.UntagRole"), 0)
        runner.checkMode = false

        let updated = try await runner.run(IAMRoleModule(), described.merging(["managed_policies": .list([])]) { $1 })
        XCTAssertTrue(updated.changed, updated.text)
        XCTAssertEqual(updated["iam_role"]?["description"], "second")
        XCTAssertEqual(updated["iam_role"]?["tags"], ["app": "api"])
        XCTAssertEqual(updated["iam_role"]?["attached_policies"]?.listValue?.count, 0, "purge_policies detaches what is not listed")

        let info = try await runner.run(IAMRoleInfoModule(), ["name": .string(name)])
        XCTAssertEqual(info["iam_roles"]?[0]?["instance_profiles"]?[0]?["instance_profile_name"]?.renderedString, name,
                       "an instance profile of the role's name is made by default")

        let gone = try await runner.run(IAMRoleModule(), ["name": .string(name), "state": "absent", "delete_instance_profile": true])
        XCTAssertTrue(gone.changed, gone.text)
        let none = try await runner.run(IAMRoleInfoModule(), ["name": .string(name)])
        XCTAssertEqual(none["iam_roles"]?.listValue?.count, 0, none.text)
        let profile = try await runner.run(IAMInstanceProfileModule(), ["name": .string(name), "state": "absent"])
        XCTAssertFalse(profile.changed, "delete_instance_profile deleted it with the role: \(profile.text)")
        let twice = try await runner.run(IAMRoleModule(), ["name": .string(name), "state": "absent"])
        XCTAssertFalse(twice.changed)
    }

    func testRoleWithoutATrustPolicyFailsAndBadJSONSaysWhy() async throws {
        let (_, runner, name) = try await setUpIAM()
        let missing = try await runner.run(IAMRoleModule(), ["name": .string(name)])
        XCTAssertTrue(missing.failed)
        XCTAssertTrue(missing.text.contains("assume_role_policy_document"), missing.text)
        let bad = try await runner.run(IAMRoleModule(), ["name": .string(name), "assume_role_policy_document": "{not json"])
        XCTAssertTrue(bad.failed)
        XCTAssertTrue(bad.text.contains("not valid JSON"), bad.text)
    }

    func testInlinePolicyComparesDocumentsAndSkipsDuplicates() async throws {
        let (_, runner, name) = try await setUpIAM()
        _ = try await runner.run(IAMRoleModule(), ["name": .string(name), "assume_role_policy_document": Self.trust,
                                                   "create_instance_profile": false])
        let document: Value = ["Version": "2012-10-17",
                               "Statement": .list([["Effect": "Allow", "Action": .list(["s3:GetObject"]), "Resource": "*"]])]
        let base: OrderedDictionary<String, Value> = ["iam_type": "role", "iam_name": .string(name), "policy_name": "read",
                                                      "policy_json": document]
        let put = try await runner.run(IAMPolicyModule(), base)
        XCTAssertTrue(put.changed, put.text)
        XCTAssertEqual(put["policy_names"], .list(["read"]))
        XCTAssertEqual(put["role_name"]?.renderedString, name)

        // The same policy as JSON text with a one-item list written as its item: no change.
        var asText = base
        asText["policy_json"] = #"{"Statement":[{"Resource":"*","Action":"s3:GetObject","Effect":"Allow"}],"Version":"2012-10-17"}"#
        let same = try await runner.run(IAMPolicyModule(), asText)
        XCTAssertFalse(same.changed, same.text)

        var duplicate = base
        duplicate["policy_name"] = "read-again"
        duplicate["skip_duplicates"] = true
        let skipped = try await runner.run(IAMPolicyModule(), duplicate)
        XCTAssertFalse(skipped.changed, skipped.text)
        XCTAssertEqual(skipped["policy_names"], .list(["read"]))

        runner.checkMode = true
        let wouldDelete = try await runner.run(IAMPolicyModule(), base.merging(["state": "absent"]) { $1 })
        XCTAssertTrue(wouldDelete.changed)
        runner.checkMode = false
        let deleted = try await runner.run(IAMPolicyModule(), base.merging(["state": "absent"]) { $1 })
        XCTAssertTrue(deleted.changed, "check mode deleted nothing: \(deleted.text)")
        XCTAssertEqual(deleted["diff"]?["after"], .dict([:]))
        _ = try await runner.run(IAMRoleModule(), ["name": .string(name), "state": "absent"])
    }

    func testInstanceProfileSwapsItsRoleAndTags() async throws {
        let (_, runner, name) = try await setUpIAM()
        for role in ["\(name)-a", "\(name)-b"] {
            _ = try await runner.run(IAMRoleModule(), ["name": .string(role), "assume_role_policy_document": Self.trust,
                                                       "create_instance_profile": false])
        }
        let made = try await runner.run(IAMInstanceProfileModule(), ["name": .string(name), "role": .string("\(name)-a"),
                                                                     "tags": ["team": "x"]])
        XCTAssertTrue(made.changed, made.text)
        XCTAssertEqual(made["iam_instance_profile"]?["roles"]?[0]?["role_name"]?.renderedString, "\(name)-a")
        XCTAssertEqual(made["diff"]?["before"], .null)
        let same = try await runner.run(IAMInstanceProfileModule(), ["name": .string(name), "role": .string("\(name)-a")])
        XCTAssertFalse(same.changed, same.text)
        let swapped = try await runner.run(IAMInstanceProfileModule(), ["name": .string(name), "role": .string("\(name)-b"),
                                                                        "tags": ["team": "y"]])
        XCTAssertTrue(swapped.changed, swapped.text)
        XCTAssertEqual(swapped["iam_instance_profile"]?["roles"]?.listValue?.count, 1)
        XCTAssertEqual(swapped["iam_instance_profile"]?["roles"]?[0]?["role_name"]?.renderedString, "\(name)-b")
        XCTAssertEqual(swapped["iam_instance_profile"]?["tags"], ["team": "y"])
        let gone = try await runner.run(IAMInstanceProfileModule(), ["name": .string(name), "state": "absent"])
        XCTAssertTrue(gone.changed, gone.text)
        XCTAssertEqual(gone["iam_instance_profile"], .null)
    }
}
