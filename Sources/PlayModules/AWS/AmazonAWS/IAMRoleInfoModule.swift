import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `iam_role_info`: one role by `name`, or every role under `path_prefix`, each with
/// its inline policy names, instance profiles and managed policies. Returns `iam_roles`.
public struct IAMRoleInfoModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "iam_role_info", arguments: [
        ArgumentSpec("name", .string, aliases: ["role_name"]),
        ArgumentSpec("path_prefix", .string, aliases: ["path", "prefix"]),
    ] + AWSArguments.specs, mutuallyExclusive: [["name", "path_prefix"]], traits: .remote)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let resources = IAMResources(iam: try await context.awsSession().session.iam())
            var roles: [XMLTree] = []
            if let name = context.string("name") {
                if let role = try await resources.role(name) { roles = [role] }
            } else {
                var request = resources.iam.request("ListRoles")
                request.set("PathPrefix", context.string("path_prefix"))
                let listed = try await AWSModuleError.wrapping("listing roles") { try await resources.iam.members(request, list: "Roles") }
                // ListRoles leaves out tags and the last use: each role is read in full.
                for item in listed {
                    if let name = item.string("RoleName"), let role = try await resources.role(name) { roles.append(role) }
                }
            }
            var out: [Value] = []
            for role in roles {
                let name = role.string("RoleName") ?? ""
                var value = IAMResources.roleValue(role)
                value["assume_role_policy_document_raw"] = value["assume_role_policy_document"]
                value["inline_policies"] = .list(try await resources.inlinePolicyNames(.role, name).map(Value.string))
                value["instance_profiles"] = .list(try await resources.instanceProfiles(role: name).map { .dict(IAMResources.instanceProfileValue($0)) })
                value["managed_policies"] = IAMResources.policyPairs(try await resources.attachedPolicies(role: name))
                out.append(.dict(value))
            }
            return .ok(changed: false, ["iam_roles": .list(out)])
        }
    }
}
