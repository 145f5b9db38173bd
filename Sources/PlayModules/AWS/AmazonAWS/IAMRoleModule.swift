import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `iam_role`: a role with its trust policy, description, session length, permissions
/// boundary, tags and attached managed policies (`purge_policies` detaches the others), and an
/// instance profile of the same name unless `create_instance_profile: false`. `state: absent`
/// takes the role out of its instance profiles, detaches and deletes its policies, then deletes
/// it. Returns `iam_role` (the role with `attached_policies`).
public struct IAMRoleModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "iam_role", arguments: [
        ArgumentSpec("name", .string, required: true, aliases: ["role_name"]),
        ArgumentSpec("path", .string, aliases: ["path_prefix", "prefix"]),
        ArgumentSpec("assume_role_policy_document", .raw),
        ArgumentSpec("managed_policies", .list, aliases: ["managed_policy"], elements: .string),
        ArgumentSpec("max_session_duration", .int),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("description", .string),
        ArgumentSpec("boundary", .string, aliases: ["boundary_policy_arn"]),
        ArgumentSpec("create_instance_profile", .bool),
        ArgumentSpec("delete_instance_profile", .bool),
        ArgumentSpec("purge_policies", .bool, aliases: ["purge_policy", "purge_managed_policies"], defaultValue: true),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("wait", .bool, defaultValue: true),
        ArgumentSpec("wait_timeout", .int, defaultValue: 120),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let name = context.string("name") ?? ""
            let resources = IAMResources(iam: try await context.awsSession().session.iam())
            let found = try await resources.role(name)
            if context.string("state") == "absent" {
                guard found != nil else { return .ok(changed: false) }
                if !context.checkMode { try await delete(name, context, resources) }
                return .ok(changed: true)
            }
            guard let trust = try IAMResources.document(context.args["assume_role_policy_document"],
                                                        argument: "assume_role_policy_document") else {
                throw AWSModuleError("state is present but all of the following are missing: assume_role_policy_document")
            }
            var changed = false
            if found == nil {
                changed = true
                if context.checkMode { return .ok(changed: true, ["iam_role": .dict(["role_name": .string(name)])]) }
                try await create(name, trust: trust, context, resources)
            } else if let found {
                changed = try await update(found, trust: trust, context, resources)
            }
            changed = try await attachPolicies(name, context, resources) || changed
            if context.bool("create_instance_profile", default: true) {
                changed = try await ensureInstanceProfile(name, context, resources) || changed
            }
            guard let role = try await resources.role(name) else { throw AWSModuleError("role '\(name)' vanished after it was written") }
            var result = IAMResources.roleValue(role)
            result["assume_role_policy_document_raw"] = result["assume_role_policy_document"]
            result["attached_policies"] = IAMResources.policyPairs(try await resources.attachedPolicies(role: name))
            return .ok(changed: changed, ["iam_role": .dict(result)])
        }
    }

    private func create(_ name: String, trust: Value, _ context: ModuleContext, _ resources: IAMResources) async throws {
        var request = resources.iam.request("CreateRole")
        request.set("RoleName", name)
        request.set("Path", context.string("path") ?? "/")
        request.set("AssumeRolePolicyDocument", trust.jsonString())
        request.set("Description", context.string("description"))
        request.set("MaxSessionDuration", context.int("max_session_duration"))
        request.set("PermissionsBoundary", context.string("boundary"))
        request.pairs("Tags", ResourceTags.given(context))
        _ = try await AWSModuleError.wrapping("creating role '\(name)'") { try await resources.iam.send(request, idempotent: false) }
    }

    /// Brings an existing role to the arguments; true when something changed.
    private func update(_ role: XMLTree, trust: Value, _ context: ModuleContext, _ resources: IAMResources) async throws -> Bool {
        let name = role.string("RoleName") ?? ""
        let have = IAMResources.roleValue(role)
        var calls: [AWSQueryRequest] = []
        if !IAMResources.samePolicy(have["assume_role_policy_document"], trust) {
            var request = resources.iam.request("UpdateAssumeRolePolicy")
            request.set("RoleName", name)
            request.set("PolicyDocument", trust.jsonString())
            calls.append(request)
        }
        let description = context.string("description")
        let duration = context.int("max_session_duration")
        if (description != nil && description != role.string("Description"))
            || (duration != nil && duration != role.int("MaxSessionDuration")) {
            var request = resources.iam.request("UpdateRole")
            request.set("RoleName", name)
            request.set("Description", description)
            request.set("MaxSessionDuration", duration)
            calls.append(request)
        }
        if let boundary = context.string("boundary"), boundary != role.string("PermissionsBoundary", "PermissionsBoundaryArn") {
            var request = resources.iam.request("PutRolePermissionsBoundary")
            request.set("RoleName", name)
            request.set("PermissionsBoundary", boundary)
            calls.append(request)
        }
        if context.args["tags"].map({ !$0.isNull }) ?? false {
            let current = have["tags"]?.dictValue?.reduce(into: [String: String]()) { $0[$1.key] = $1.value.renderedString } ?? [:]
            let (add, remove) = ResourceTags.changes(current, ResourceTags.given(context), purge: context.bool("purge_tags", default: true))
            if !add.isEmpty {
                var request = resources.iam.request("TagRole")
                request.set("RoleName", name)
                request.pairs("Tags", add)
                calls.append(request)
            }
            if !remove.isEmpty {
                var request = resources.iam.request("UntagRole")
                request.set("RoleName", name)
                request.members("TagKeys", remove)
                calls.append(request)
            }
        }
        if !context.checkMode {
            for call in calls {
                _ = try await AWSModuleError.wrapping("updating role '\(name)' (\(call.action))") { try await resources.iam.send(call) }
            }
        }
        return !calls.isEmpty
    }

    /// Attaches `managed_policies` (ARNs, or names looked up among the account's and AWS's
    /// policies) and, with `purge_policies`, detaches the others. True when something changed.
    private func attachPolicies(_ name: String, _ context: ModuleContext, _ resources: IAMResources) async throws -> Bool {
        guard let given = context.list("managed_policies")?.map(\.renderedString) else { return false }
        let wanted = try await policyARNs(given, resources)
        let attached = try await resources.attachedPolicies(role: name).map(\.arn)
        let attach = wanted.filter { !attached.contains($0) }
        let detach = context.bool("purge_policies", default: true) ? attached.filter { !wanted.contains($0) } : []
        if !context.checkMode {
            for (action, arns) in [("AttachRolePolicy", attach), ("DetachRolePolicy", detach)] {
                for arn in arns {
                    var request = resources.iam.request(action)
                    request.set("RoleName", name)
                    request.set("PolicyArn", arn)
                    _ = try await AWSModuleError.wrapping("\(action) \(arn) on role '\(name)'") { try await resources.iam.send(request) }
                }
            }
        }
        return !attach.isEmpty || !detach.isEmpty
    }

    private func policyARNs(_ given: [String], _ resources: IAMResources) async throws -> [String] {
        guard given.contains(where: { !$0.hasPrefix("arn:") }) else { return given }
        let policies = try await AWSModuleError.wrapping("listing managed policies") {
            try await resources.iam.members(resources.iam.request("ListPolicies"), list: "Policies")
        }
        return try given.map { item in
            if item.hasPrefix("arn:") { return item }
            guard let arn = policies.first(where: { $0.string("PolicyName") == item })?.string("Arn") else {
                throw AWSModuleError("Failed to find policy '\(item)': no managed policy has that name or ARN")
            }
            return arn
        }
    }

    /// An instance profile named as the role, holding it. True when one was made.
    private func ensureInstanceProfile(_ name: String, _ context: ModuleContext, _ resources: IAMResources) async throws -> Bool {
        if try await resources.instanceProfile(name) != nil { return false }
        if context.checkMode { return true }
        var create = resources.iam.request("CreateInstanceProfile")
        create.set("InstanceProfileName", name)
        create.set("Path", context.string("path") ?? "/")
        _ = try await AWSModuleError.wrapping("creating instance profile '\(name)'") { try await resources.iam.send(create, idempotent: false) }
        var add = resources.iam.request("AddRoleToInstanceProfile")
        add.set("InstanceProfileName", name)
        add.set("RoleName", name)
        _ = try await AWSModuleError.wrapping("adding role '\(name)' to its instance profile") { try await resources.iam.send(add) }
        return true
    }

    private func delete(_ name: String, _ context: ModuleContext, _ resources: IAMResources) async throws {
        let iam = resources.iam
        var calls: [AWSQueryRequest] = []
        for profile in try await resources.instanceProfiles(role: name) {
            let profileName = profile.string("InstanceProfileName") ?? ""
            var remove = iam.request("RemoveRoleFromInstanceProfile")
            remove.set("InstanceProfileName", profileName)
            remove.set("RoleName", name)
            calls.append(remove)
            if context.bool("delete_instance_profile") && profileName == name {
                var delete = iam.request("DeleteInstanceProfile")
                delete.set("InstanceProfileName", profileName)
                calls.append(delete)
            }
        }
        for policy in try await resources.attachedPolicies(role: name) {
            var detach = iam.request("DetachRolePolicy")
            detach.set("RoleName", name)
            detach.set("PolicyArn", policy.arn)
            calls.append(detach)
        }
        for policy in try await resources.inlinePolicyNames(.role, name) {
            var delete = iam.request("DeleteRolePolicy")
            delete.set("RoleName", name)
            delete.set("PolicyName", policy)
            calls.append(delete)
        }
        var deleteRole = iam.request("DeleteRole")
        deleteRole.set("RoleName", name)
        calls.append(deleteRole)
        for call in calls {
            _ = try await AWSModuleError.wrapping("deleting role '\(name)' (\(call.action))") { try await iam.send(call) }
        }
    }
}
