import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `ec2_vpc_net`: the VPC given by `vpc_id`, or found by its `Name` tag and first CIDR
/// block (more than one match fails unless `multi_ok`, which always creates), created when missing
/// with `cidr_block`, `tenancy` and `tags`; then its extra CIDR blocks (`purge_cidrs` removes the
/// others), IPv6 block, DNS attributes, DHCP options and tags (`purge_tags`) as given.
/// `state: absent` deletes it (its subnets, groups and gateways must be gone first).
/// The result is the collection's: `vpc`, DescribeVpcs' answer with `id`, `name` and `tags`.
public struct EC2VPCNetModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_vpc_net", arguments: [
        ArgumentSpec("name", .string),
        ArgumentSpec("vpc_id", .string),
        ArgumentSpec("cidr_block", .list, elements: .string),
        ArgumentSpec("ipv6_cidr", .bool),
        ArgumentSpec("tenancy", .string, choices: ["default", "dedicated"], defaultValue: "default"),
        ArgumentSpec("dns_support", .bool),
        ArgumentSpec("dns_hostnames", .bool),
        ArgumentSpec("dhcp_opts_id", .string),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("multi_ok", .bool, defaultValue: false),
        ArgumentSpec("purge_cidrs", .bool, defaultValue: false),
    ] + AWSArguments.specs, requiredOneOf: [["vpc_id", "name"], ["vpc_id", "cidr_block"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        let cidrs = (context.list("cidr_block") ?? []).map(\.renderedString)
        if context.bool("dns_hostnames", default: false) && !context.bool("dns_support", default: false) {
            throw AWSModuleError("dns_hostnames needs dns_support: enable DNS support too")
        }
        let ec2 = try await context.awsSession().ec2
        var vpcID = context.string("vpc_id")
        if vpcID == nil { vpcID = try await findByNameAndCIDR(context, ec2, cidrs) }
        if context.string("state") == "absent" {
            guard let vpcID else { return .ok(changed: false, ["vpc": .dict([:])]) }
            if !context.checkMode {
                try await AWSModuleError.wrapping("deleting VPC \(vpcID); delete its subnets, security groups and gateways first") {
                    try await ec2.deleteVpc(vpcID)
                }
            }
            return .ok(changed: true, ["vpc": .dict([:])])
        }
        var changed = false
        let id: String
        if let vpcID {
            id = vpcID
        } else {
            guard let first = cidrs.first else { throw AWSModuleError("no VPC found: give cidr_block to create one") }
            if context.checkMode { return .ok(changed: true, ["msg": "VPC would be created if not in check mode"]) }
            var create = EC2Request("CreateVpc")
            create.set("CidrBlock", first)
            create.set("InstanceTenancy", context.string("tenancy") ?? "default")
            var tags = ResourceTags.given(context)
            if let name = context.string("name") { tags["Name"] = name }
            if !tags.isEmpty { create.tagSpecifications(["vpc"], tags: tags) }
            let answer = try await AWSModuleError.wrapping("creating a VPC with \(first)") { try await ec2.send(create, idempotent: false) }
            guard let made = answer.child("vpc")?.nonEmpty("vpcId") else { throw AWSModuleError("CreateVpc answered without a vpcId") }
            id = made
            changed = true
        }
        var vpc = try await describe(ec2, id)
        changed = try await settle(context, ec2, vpc, cidrs: cidrs) || changed
        if changed && !context.checkMode { vpc = try await describe(ec2, id) }
        return .ok(changed: changed, ["vpc": .dict(vpc)])
    }

    /// The VPC with this Name tag and all the CIDR blocks (or the first one); nil when none or `multi_ok`.
    private func findByNameAndCIDR(_ context: ModuleContext, _ ec2: EC2Client, _ cidrs: [String]) async throws -> String? {
        func find(_ blocks: [String]) async throws -> [XMLTree] {
            var request = EC2Request("DescribeVpcs")
            request.filters([EC2Filter("tag:Name", [context.string("name") ?? ""]), EC2Filter("cidr-block", blocks)])
            return try await AWSModuleError.wrapping("looking up VPC '\(context.string("name") ?? "")'") {
                try await ec2.describeItems(request, set: "vpcSet")
            }
        }
        var found = try await find(cidrs)
        if found.isEmpty, cidrs.count > 1 { found = try await find([cidrs[0]]) }
        if context.bool("multi_ok", default: false) || found.isEmpty { return nil }
        if found.count > 1 {
            throw AWSModuleError("\(found.count) VPCs have the name and CIDR block given "
                + "(\(found.compactMap { $0.nonEmpty("vpcId") }.joined(separator: ", "))): pass multi_ok: true to create one more anyway")
        }
        return found[0].nonEmpty("vpcId")
    }

    /// Brings an existing VPC to the task's CIDR blocks, IPv6 block, DNS attributes, DHCP options
    /// and tags; true when something changed (or would, in check mode).
    private func settle(_ context: ModuleContext, _ ec2: EC2Client, _ vpc: OrderedDictionary<String, Value>, cidrs: [String]) async throws -> Bool {
        let id = vpc["id"]?.renderedString ?? ""
        var changed = false
        func send(_ request: EC2Request, _ doing: String) async throws {
            changed = true
            if context.checkMode { return }
            _ = try await AWSModuleError.wrapping("\(doing) (\(id))") { try await ec2.send(request, idempotent: false) }
        }
        let associations = (vpc["cidr_block_association_set"]?.listValue ?? [])
            .filter { ["associated", "associating"].contains($0["cidr_block_state"]?["state"]?.renderedString ?? "") }
        let have = associations.compactMap { $0["cidr_block"]?.stringValue }
        for cidr in cidrs where !have.contains(cidr) {
            var request = EC2Request("AssociateVpcCidrBlock")
            request.set("VpcId", id)
            request.set("CidrBlock", cidr)
            try await send(request, "adding CIDR block \(cidr)")
        }
        if context.bool("purge_cidrs", default: false), !cidrs.isEmpty {
            for association in associations where !cidrs.contains(association["cidr_block"]?.renderedString ?? "") {
                var request = EC2Request("DisassociateVpcCidrBlock")
                request.set("AssociationId", association["association_id"]?.renderedString)
                try await send(request, "removing CIDR block \(association["cidr_block"]?.renderedString ?? "")")
            }
        }
        if context.bool("ipv6_cidr", default: false), vpc["ipv6_cidr_block_association_set"]?.listValue?.isEmpty ?? true {
            var request = EC2Request("AssociateVpcCidrBlock")
            request.set("VpcId", id)
            request.set("AmazonProvidedIpv6CidrBlock", true)
            try await send(request, "adding an IPv6 block")
        }
        for (argument, attribute) in [("dns_support", "EnableDnsSupport"), ("dns_hostnames", "EnableDnsHostnames")] {
            guard context.args[argument]?.isNull == false else { continue }
            let wanted = context.bool(argument, default: true)
            var read = EC2Request("DescribeVpcAttribute")
            read.set("VpcId", id)
            read.set("Attribute", attribute.prefix(1).lowercased() + attribute.dropFirst())
            let answer = try await AWSModuleError.wrapping("reading \(attribute) of \(id)") { try await ec2.send(read) }
            guard answer.string(attribute.prefix(1).lowercased() + attribute.dropFirst(), "value") != String(wanted) else { continue }
            var request = EC2Request("ModifyVpcAttribute")
            request.set("VpcId", id)
            request.set("\(attribute).Value", wanted)
            try await send(request, "setting \(argument) to \(wanted)")
        }
        if let options = context.string("dhcp_opts_id"), vpc["dhcp_options_id"]?.renderedString != options {
            var request = EC2Request("AssociateDhcpOptions")
            request.set("VpcId", id)
            request.set("DhcpOptionsId", options)
            try await send(request, "associating DHCP options \(options)")
        }
        let name = context.string("name").map { ["Name": $0] } ?? [:]
        if try await CollectionTags.syncEC2(context, ec2, id: id, have: CollectionTags.strings(vpc["tags"]), extra: name) { changed = true }
        return changed
    }

    /// The VPC as the collection reports it.
    private func describe(_ ec2: EC2Client, _ id: String) async throws -> OrderedDictionary<String, Value> {
        var request = EC2Request("DescribeVpcs")
        request.list("VpcId", [id])
        let items = try await AWSModuleError.wrapping("reading VPC \(id)") { try await ec2.describeItems(request, set: "vpcSet") }
        guard let item = items.first else { throw AWSModuleError("VPC \(id) not found") }
        var vpc = EC2ResultShape.dict(item)
        if vpc["tags"] == nil { vpc["tags"] = .dict([:]) }
        if vpc["ipv6_cidr_block_association_set"] == nil { vpc["ipv6_cidr_block_association_set"] = .list([]) }
        vpc["id"] = vpc["vpc_id"] ?? .string(id)
        vpc.removeValue(forKey: "vpc_id")
        if let name = vpc["tags"]?["Name"] { vpc["name"] = name }
        return vpc
    }
}
