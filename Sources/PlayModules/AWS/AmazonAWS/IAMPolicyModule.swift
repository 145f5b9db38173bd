import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `iam_policy`: one inline policy of a user, group or role (`iam_type`,
/// `iam_name`), written from `policy_json` or deleted. `skip_duplicates` leaves a policy
/// unwritten when another inline policy of the same identity already holds the same document.
/// Returns `policy_names` (the identity's inline policies after the task), `<iam_type>_name`,
/// and `diff` (every inline policy before and after).
public struct IAMPolicyModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "iam_policy", arguments: [
        ArgumentSpec("iam_type", .string, required: true, choices: ["user", "group", "role"]),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("iam_name", .string, required: true),
        ArgumentSpec("policy_name", .string, required: true),
        ArgumentSpec("policy_json", .raw),
        ArgumentSpec("skip_duplicates", .bool, defaultValue: false),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let kind = IAMIdentityKind(rawValue: context.string("iam_type") ?? "") ?? .role
            let identity = context.string("iam_name") ?? ""
            let policyName = context.string("policy_name") ?? ""
            let present = context.string("state") != "absent"
            let document = try IAMResources.document(context.args["policy_json"], argument: "policy_json")
            if present && document == nil { throw AWSModuleError("state is present but all of the following are missing: policy_json") }
            let resources = IAMResources(iam: try await context.awsSession().session.iam())

            var before = OrderedDictionary<String, Value>()
            for name in try await resources.inlinePolicyNames(kind, identity) {
                if let policy = try await resources.inlinePolicy(kind, identity, policy: name) { before[name] = policy }
            }
            var after = before
            if present, let document {
                let duplicate = context.bool("skip_duplicates")
                    && before.contains { $0.key != policyName && IAMResources.samePolicy($0.value, document) }
                if !duplicate && !IAMResources.samePolicy(before[policyName], document) {
                    after[policyName] = document
                    if !context.checkMode {
                        var request = resources.iam.request("Put\(kind.api)Policy")
                        request.set("\(kind.api)Name", identity)
                        request.set("PolicyName", policyName)
                        request.set("PolicyDocument", document.jsonString())
                        _ = try await AWSModuleError.wrapping("writing inline policy '\(policyName)' of \(kind.rawValue) '\(identity)'") {
                            try await resources.iam.send(request)
                        }
                    }
                }
            } else if before[policyName] != nil {
                after[policyName] = nil
                if !context.checkMode {
                    var request = resources.iam.request("Delete\(kind.api)Policy")
                    request.set("\(kind.api)Name", identity)
                    request.set("PolicyName", policyName)
                    _ = try await AWSModuleError.wrapping("deleting inline policy '\(policyName)' of \(kind.rawValue) '\(identity)'") {
                        try await resources.iam.send(request)
                    }
                }
            }
            let changed = before.keys.elements != after.keys.elements || zip(before.values, after.values).contains { !IAMResources.samePolicy($0, $1) }
            return .ok(changed: changed, [
                "diff": .dict(["before": .dict(before), "after": .dict(after)]),
                "policy_names": .list(after.keys.map(Value.string)),
                "\(kind.rawValue)_name": .string(identity),
            ])
        }
    }
}
