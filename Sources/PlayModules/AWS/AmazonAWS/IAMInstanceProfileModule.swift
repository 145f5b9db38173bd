import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `iam_instance_profile`: an instance profile with at most one `role` (a role
/// given replaces the one it holds), `path` and `tags`; `state: absent` takes its role out and
/// deletes it. Returns `iam_instance_profile` (null once deleted) and `diff` (before/after).
public struct IAMInstanceProfileModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "iam_instance_profile", arguments: [
        ArgumentSpec("name", .string, required: true, aliases: ["instance_profile_name"]),
        ArgumentSpec("path", .string, aliases: ["path_prefix", "prefix"]),
        ArgumentSpec("state", .string, choices: ["absent", "present"], defaultValue: "present"),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("role", .string),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let name = context.string("name") ?? ""
            let resources = IAMResources(iam: try await context.awsSession().session.iam())
            let iam = resources.iam
            let found = try await resources.instanceProfile(name)
            let before: Value = found.map { .dict(IAMResources.instanceProfileValue($0)) } ?? .null
            var calls: [AWSQueryRequest] = []
            let held = found?.list("Roles", item: "member").compactMap { $0.string("RoleName") } ?? []

            if context.string("state") == "absent" {
                guard found != nil else { return result(changed: false, before: before, after: .null) }
                for role in held { calls.append(roleCall("RemoveRoleFromInstanceProfile", name, role, iam)) }
                var delete = iam.request("DeleteInstanceProfile")
                delete.set("InstanceProfileName", name)
                calls.append(delete)
                try await send(calls, name, context, iam)
                return result(changed: true, before: before, after: .null)
            }

            if found == nil {
                var create = iam.request("CreateInstanceProfile")
                create.set("InstanceProfileName", name)
                create.set("Path", context.string("path") ?? "/")
                create.pairs("Tags", ResourceTags.given(context))
                calls.append(create)
            } else if context.args["tags"].map({ !$0.isNull }) ?? false, let found {
                let current = IAMResources.instanceProfileValue(found)["tags"]?.dictValue?
                    .reduce(into: [String: String]()) { $0[$1.key] = $1.value.renderedString } ?? [:]
                let (add, remove) = ResourceTags.changes(current, ResourceTags.given(context), purge: context.bool("purge_tags", default: true))
                if !add.isEmpty {
                    var request = iam.request("TagInstanceProfile")
                    request.set("InstanceProfileName", name)
                    request.pairs("Tags", add)
                    calls.append(request)
                }
                if !remove.isEmpty {
                    var request = iam.request("UntagInstanceProfile")
                    request.set("InstanceProfileName", name)
                    request.members("TagKeys", remove)
                    calls.append(request)
                }
            }
            if let role = context.string("role"), held != [role] {
                for old in held { calls.append(roleCall("RemoveRoleFromInstanceProfile", name, old, iam)) }
                calls.append(roleCall("AddRoleToInstanceProfile", name, role, iam))
            }
            guard !calls.isEmpty else { return result(changed: false, before: before, after: before) }
            if context.checkMode {
                return result(changed: true, before: before, after: found == nil ? .dict(["instance_profile_name": .string(name)]) : before)
            }
            try await send(calls, name, context, iam)
            guard let written = try await resources.instanceProfile(name) else {
                throw AWSModuleError("instance profile '\(name)' vanished after it was written")
            }
            return result(changed: true, before: before, after: .dict(IAMResources.instanceProfileValue(written)))
        }
    }

    private func roleCall(_ action: String, _ profile: String, _ role: String, _ iam: AWSQueryClient) -> AWSQueryRequest {
        var request = iam.request(action)
        request.set("InstanceProfileName", profile)
        request.set("RoleName", role)
        return request
    }

    private func send(_ calls: [AWSQueryRequest], _ name: String, _ context: ModuleContext, _ iam: AWSQueryClient) async throws {
        guard !context.checkMode else { return }
        for call in calls {
            _ = try await AWSModuleError.wrapping("instance profile '\(name)': \(call.action)") {
                try await iam.send(call, idempotent: call.action != "CreateInstanceProfile")
            }
        }
    }

    private func result(changed: Bool, before: Value, after: Value) -> TaskResult {
        .ok(changed: changed, ["diff": .dict(["before": before, "after": after]), "iam_instance_profile": after])
    }
}
