import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `ec2_security_group`: the group of `vpc_id` with this name and `tags`, created when missing,
/// with every rule of `rules` present (missing ones are added; rules it does not list are left
/// alone), or deleted with `state: absent` (only when it carries the tags).
/// A rule: `{proto: tcp, ports: [80, 443]}` or `{proto: tcp, from_port: 8000, to_port: 8100}`,
/// with `cidr_ip` (default 0.0.0.0/0). Also `ec2_group`, the name amazon.aws redirects; the result
/// carries the group as amazon.aws reports it (`vpc_id` stays required here).
public struct EC2SecurityGroupModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_security_group", aliases: ["ec2_group"], arguments: [
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("description", .string),
        ArgumentSpec("vpc_id", .string, required: true),
        ArgumentSpec("rules", .list, elements: .dict),
        ArgumentSpec("tags", .dict),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        let name = context.string("name") ?? ""
        let vpcID = context.string("vpc_id") ?? ""
        let tags = ResourceTags.given(context)
        let wanted = try rules(context)
        let ec2 = try await context.awsSession().ec2
        let named = try await AWSModuleError.wrapping("looking up security group '\(name)' in \(vpcID)") {
            try await ec2.describeSecurityGroups(filters: [EC2Filter("group-name", [name]), EC2Filter("vpc-id", [vpcID])])
        }
        let found = named.first { ResourceTags.matches($0.tags, tags) }
        if context.string("state") == "absent" {
            guard let group = found else { return .ok(changed: false, ["group_id": .null, "msg": .string("no group '\(name)' to delete")]) }
            if !context.checkMode {
                try await AWSModuleError.wrapping("deleting security group \(group.groupID) ('\(name)'); remove what uses it first") {
                    try await ec2.deleteSecurityGroup(group.groupID)
                }
            }
            // As amazon.aws reports it: the group is gone, so no id (the message names it).
            return .ok(changed: true, ["group_id": .null, "msg": .string("deleted security group \(group.groupID)")])
        }
        if found == nil, let other = named.first {
            throw AWSModuleError("\(vpcID) already has a group '\(name)' (\(other.groupID)) without these tags: tag it or choose another name")
        }
        var changed = false
        var groupID = found?.groupID
        if groupID == nil {
            changed = true
            if context.checkMode {
                return .ok(changed: true, ["group_id": .null, "msg": .string("would create security group '\(name)' with \(wanted.count) rules")])
            }
            groupID = try await AWSModuleError.wrapping("creating security group '\(name)' in \(vpcID)") {
                try await ec2.createSecurityGroup(name: name, description: context.string("description") ?? name, vpcID: vpcID, tags: tags)
            }
        }
        let id = groupID ?? ""
        let existing = try await AWSModuleError.wrapping("reading the rules of \(id)") { try await ec2.ingressRules(groupID: id) }
        let missing = wanted.filter { !existing.contains($0) }
        if !missing.isEmpty {
            changed = true
            if !context.checkMode {
                for rule in missing {
                    try await AWSModuleError.wrapping("opening \(rule.protocol) \(rule.fromPort ?? 0)-\(rule.toPort ?? 0) to \(rule.cidr) on \(id)") {
                        try await ec2.authorizeIngress(groupID: id, port: rule.fromPort ?? -1, toPort: rule.toPort,
                                                       protocol: rule.protocol, cidr: rule.cidr)
                    }
                }
            }
        }
        var result: OrderedDictionary<String, Value> = [:]
        if !context.checkMode {
            // The group as amazon.aws reports it (description, ip_permissions, tags...), then play's keys.
            var describe = EC2Request("DescribeSecurityGroups")
            describe.list("GroupId", [id])
            let described = try await AWSModuleError.wrapping("reading security group \(id)") {
                try await ec2.describeItems(describe, set: "securityGroupInfo")
            }
            if let group = described.first { result = EC2ResultShape.dict(group) }
            if result["tags"] == nil { result["tags"] = .dict([:]) }
        }
        result["group_id"] = .string(id)
        result["added_rules"] = .int(missing.count)
        result["msg"] = .string(changed ? "security group \(id): \(missing.count) rules added" : "security group \(id) is as asked")
        return .ok(changed: changed, result)
    }

    /// `ports` entries are numbers or `"from-to"` ranges; `cidr_ip` is one block or a list (a rule each).
    private func rules(_ context: ModuleContext) throws -> [EC2IngressRule] {
        var out: [EC2IngressRule] = []
        for (position, rule) in (context.list("rules") ?? []).enumerated() {
            let proto = (rule["proto"] ?? rule["protocol"])?.renderedString ?? "tcp"
            let cidrs = rule["cidr_ip"].map { ValueCoercion.list($0).map(\.renderedString) } ?? ["0.0.0.0/0"]
            var ranges: [(Int, Int)] = []
            if let ports = rule["ports"].flatMap(ValueCoercion.list) {
                for port in ports {
                    let text = port.renderedString
                    let bounds = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                    guard !bounds.isEmpty, bounds.count <= 2, let from = bounds[0], let to = bounds.last ?? from else {
                        throw AWSModuleError("rule \(position + 1): port '\(text)' is not a number or a from-to range")
                    }
                    ranges.append((from, to))
                }
            } else if let from = rule["from_port"].flatMap(ValueCoercion.int) {
                ranges.append((from, rule["to_port"].flatMap(ValueCoercion.int) ?? from))
            } else {
                throw AWSModuleError("rule \(position + 1) needs ports (a list) or from_port (and to_port)")
            }
            for (from, to) in ranges {
                for cidr in cidrs { out.append(EC2IngressRule(protocol: proto, fromPort: from, toPort: to, cidr: cidr)) }
            }
        }
        return out
    }
}
