import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `ec2_security_group` (and `ec2_group`, the name it redirects): the group given by
/// `group_id`, or by `name` in `vpc_id`, created when missing; its ingress `rules` and egress
/// `rules_egress` made as given (with `purge_rules`/`purge_rules_egress`, rules not listed are
/// revoked; without the argument the rules stay as they are), and its tags (`purge_tags`).
/// `state: absent` deletes it. The result is the collection's: the group as DescribeSecurityGroups
/// answers, snake_cased, with `tags`. Rules take IPv4 ranges (`cidr_ip`, default 0.0.0.0/0).
public struct EC2SecurityGroupModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_security_group", aliases: ["ec2_group"], arguments: [
        ArgumentSpec("name", .string),
        ArgumentSpec("group_id", .string),
        ArgumentSpec("description", .string),
        ArgumentSpec("vpc_id", .string),
        ArgumentSpec("rules", .list, elements: .dict),
        ArgumentSpec("rules_egress", .list, aliases: ["egress_rules"], elements: .dict),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("purge_rules", .bool, defaultValue: true),
        ArgumentSpec("purge_rules_egress", .bool, aliases: ["purge_egress_rules"], defaultValue: true),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
    ] + AWSArguments.specs, requiredOneOf: [["name", "group_id"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        let ec2 = try await context.awsSession().ec2
        let ingress = try context.list("rules").map(EC2SecurityGroupRules.given)
        let egress = try context.list("rules_egress").map(EC2SecurityGroupRules.given)
        var group = try await find(context, ec2)
        if context.string("state") == "absent" {
            guard let id = group?["group_id"]?.stringValue else { return .ok(changed: false, ["group_id": .null]) }
            if !context.checkMode {
                try await AWSModuleError.wrapping("deleting security group \(id); remove what uses it first") {
                    try await ec2.deleteSecurityGroup(id)
                }
            }
            return .ok(changed: true, ["group_id": .null])
        }
        var changed = false
        if group == nil {
            guard let name = context.string("name") else { throw AWSModuleError("security group \(context.string("group_id") ?? "") not found") }
            guard let description = context.string("description") else {
                throw AWSModuleError("security group '\(name)' does not exist: give a description to create it")
            }
            if context.checkMode { return .ok(changed: true, ["group_id": .null]) }
            let id = try await AWSModuleError.wrapping("creating security group '\(name)'") {
                try await ec2.createSecurityGroup(name: name, description: description, vpcID: context.string("vpc_id"),
                                                  tags: ResourceTags.given(context))
            }
            group = try await describe(ec2, [EC2Filter("group-id", [id])]).first
            changed = true
        }
        guard var current = group, let id = current["group_id"]?.stringValue else { throw AWSModuleError("the security group could not be read") }
        for (wanted, key, purge, direction) in [(ingress, "ip_permissions", "purge_rules", "Ingress"),
                                                (egress, "ip_permissions_egress", "purge_rules_egress", "Egress")] {
            guard let wanted else { continue }
            let have = EC2SecurityGroupRules.described(current[key])
            var requests = wanted.filter { !have.contains($0) }
                .map { EC2SecurityGroupRules.request("AuthorizeSecurityGroup\(direction)", groupID: id, $0) }
            if context.bool(purge, default: true) {
                requests += have.filter { !wanted.contains($0) }
                    .map { EC2SecurityGroupRules.request("RevokeSecurityGroup\(direction)", groupID: id, $0) }
            }
            if !requests.isEmpty { changed = true }
            if context.checkMode { continue }
            for request in requests {
                _ = try await AWSModuleError.wrapping("\(request.action) on \(id)") { try await ec2.send(request) }
            }
        }
        if try await CollectionTags.syncEC2(context, ec2, id: id, have: CollectionTags.strings(current["tags"])) { changed = true }
        if changed && !context.checkMode { current = try await describe(ec2, [EC2Filter("group-id", [id])]).first ?? current }
        return .ok(changed: changed, current)
    }

    /// The group by `group_id`, or by `name` (in `vpc_id` when given).
    private func find(_ context: ModuleContext, _ ec2: EC2Client) async throws -> OrderedDictionary<String, Value>? {
        if let id = context.string("group_id") { return try await describe(ec2, [EC2Filter("group-id", [id])]).first }
        var filters = [EC2Filter("group-name", [context.string("name") ?? ""])]
        if let vpc = context.string("vpc_id") { filters.append(EC2Filter("vpc-id", [vpc])) }
        return try await describe(ec2, filters).first
    }

    private func describe(_ ec2: EC2Client, _ filters: [EC2Filter]) async throws -> [OrderedDictionary<String, Value>] {
        var request = EC2Request("DescribeSecurityGroups")
        request.filters(filters)
        let items = try await AWSModuleError.wrapping("looking up the security group") {
            try await ec2.describeItems(request, set: "securityGroupInfo")
        }
        return items.map { item in
            var group = EC2ResultShape.dict(item)
            if group["tags"] == nil { group["tags"] = .dict([:]) }
            return group
        }
    }
}
