import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `ec2_vpc_subnet`: the subnet of `vpc_id` with the CIDR block `cidr`, created when
/// missing (in `az`, on `outpost_arn`), then its public-IP and IPv6 settings and tags
/// (`purge_tags`) as given; with `wait`, until it is available. `state: absent` deletes it.
/// The result is the collection's: `subnet`, DescribeSubnets' answer with `id`.
public struct EC2VPCSubnetModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_vpc_subnet", arguments: [
        ArgumentSpec("az", .string),
        ArgumentSpec("cidr", .string, required: true),
        ArgumentSpec("ipv6_cidr", .string, defaultValue: ""),
        ArgumentSpec("outpost_arn", .string, defaultValue: ""),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("vpc_id", .string, required: true),
        ArgumentSpec("map_public", .bool, defaultValue: false),
        ArgumentSpec("assign_instances_ipv6", .bool, defaultValue: false),
        ArgumentSpec("wait", .bool, defaultValue: true),
        ArgumentSpec("wait_timeout", .int, defaultValue: 300),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        let vpcID = context.string("vpc_id") ?? ""
        let cidr = context.string("cidr") ?? ""
        let ipv6 = context.string("ipv6_cidr") ?? ""
        if context.bool("assign_instances_ipv6", default: false) && ipv6.isEmpty {
            throw AWSModuleError("assign_instances_ipv6 is true but ipv6_cidr is empty: give the subnet an IPv6 block")
        }
        if !(context.string("outpost_arn") ?? "").isEmpty && context.string("az") == nil {
            throw AWSModuleError("an Outpost subnet (outpost_arn) needs the Outpost's availability zone (az)")
        }
        let ec2 = try await context.awsSession().ec2
        let found = try await find(ec2, vpcID: vpcID, cidr: cidr)
        if context.string("state") == "absent" {
            guard let subnet = found, let id = subnet["id"]?.stringValue else { return .ok(changed: false, [:]) }
            if !context.checkMode {
                try await AWSModuleError.wrapping("deleting subnet \(id); remove its instances, interfaces and load balancers first") {
                    try await ec2.deleteSubnet(id)
                }
            }
            return .ok(changed: true, [:])
        }
        var changed = false
        var subnet: OrderedDictionary<String, Value>
        if let found {
            subnet = found
        } else {
            if context.checkMode { return .ok(changed: true, ["subnet": .dict([:])]) }
            var create = EC2Request("CreateSubnet")
            create.set("VpcId", vpcID)
            create.set("CidrBlock", cidr)
            create.set("AvailabilityZone", context.string("az"))
            if !ipv6.isEmpty { create.set("Ipv6CidrBlock", ipv6) }
            if let outpost = context.string("outpost_arn"), !outpost.isEmpty { create.set("OutpostArn", outpost) }
            let tags = ResourceTags.given(context)
            if !tags.isEmpty { create.tagSpecifications(["subnet"], tags: tags) }
            _ = try await AWSModuleError.wrapping("creating subnet \(cidr) in \(vpcID)") { try await ec2.send(create, idempotent: false) }
            subnet = try await waitForSubnet(context, ec2, vpcID: vpcID, cidr: cidr)
            changed = true
        }
        if try await settle(context, ec2, subnet, ipv6: ipv6) {
            changed = true
            if !context.checkMode { subnet = try await find(ec2, vpcID: vpcID, cidr: cidr) ?? subnet }
        }
        return .ok(changed: changed, ["subnet": .dict(subnet)])
    }

    /// Public IPs, IPv6 block and assignment, and tags as the task gives them.
    private func settle(_ context: ModuleContext, _ ec2: EC2Client, _ subnet: OrderedDictionary<String, Value>, ipv6: String) async throws -> Bool {
        let id = subnet["id"]?.renderedString ?? ""
        var changed = false
        func modify(_ attribute: String, _ value: Bool) async throws {
            changed = true
            if context.checkMode { return }
            var request = EC2Request("ModifySubnetAttribute")
            request.set("SubnetId", id)
            request.set("\(attribute).Value", value)
            _ = try await AWSModuleError.wrapping("setting \(attribute) of \(id)") { try await ec2.send(request) }
        }
        let mapPublic = context.bool("map_public", default: false)
        if subnet["map_public_ip_on_launch"]?.boolValue != mapPublic { try await modify("MapPublicIpOnLaunch", mapPublic) }
        if !ipv6.isEmpty, subnet["ipv6_cidr_block"]?.renderedString != ipv6 {
            changed = true
            if !context.checkMode {
                var request = EC2Request("AssociateSubnetCidrBlock")
                request.set("SubnetId", id)
                request.set("Ipv6CidrBlock", ipv6)
                _ = try await AWSModuleError.wrapping("adding \(ipv6) to \(id)") { try await ec2.send(request, idempotent: false) }
            }
        }
        let assign = context.bool("assign_instances_ipv6", default: false)
        if (subnet["assign_ipv6_address_on_creation"]?.boolValue ?? false) != assign { try await modify("AssignIpv6AddressOnCreation", assign) }
        if try await CollectionTags.syncEC2(context, ec2, id: id, have: CollectionTags.strings(subnet["tags"])) { changed = true }
        return changed
    }

    /// The subnet of `vpcID` with `cidr`, as the collection reports it.
    private func find(_ ec2: EC2Client, vpcID: String, cidr: String) async throws -> OrderedDictionary<String, Value>? {
        var request = EC2Request("DescribeSubnets")
        request.filters([EC2Filter("vpc-id", [vpcID]), EC2Filter("cidr-block", [cidr])])
        let items = try await AWSModuleError.wrapping("looking up subnet \(cidr) of \(vpcID)") {
            try await ec2.describeItems(request, set: "subnetSet")
        }
        guard let item = items.first else { return nil }
        var subnet = EC2ResultShape.dict(item)
        if subnet["tags"] == nil { subnet["tags"] = .dict([:]) }
        subnet["id"] = subnet["subnet_id"] ?? .null
        subnet.removeValue(forKey: "subnet_id")
        // The collection names the active IPv6 block and its association at the top level.
        let association = subnet["ipv6_cidr_block_association_set"]?.listValue?
            .first { $0["ipv6_cidr_block_state"]?["state"]?.renderedString == "associated" }
        subnet["ipv6_cidr_block"] = association?["ipv6_cidr_block"] ?? ""
        subnet["ipv6_association_id"] = association?["association_id"] ?? ""
        if subnet["ipv6_cidr_block_association_set"] == nil { subnet["ipv6_cidr_block_association_set"] = .list([]) }
        return subnet
    }

    /// With `wait`, polls until the new subnet is available; returns it.
    private func waitForSubnet(_ context: ModuleContext, _ ec2: EC2Client, vpcID: String, cidr: String) async throws -> OrderedDictionary<String, Value> {
        var loop = PollLoop(timeout: Double(context.int("wait_timeout") ?? 300))
        while true {
            let subnet = try await loop.poll { try await find(ec2, vpcID: vpcID, cidr: cidr) } ?? nil
            if let subnet, !context.bool("wait", default: true) || subnet["state"]?.renderedString == "available" { return subnet }
            if loop.timedOut { throw AWSModuleError("timed out after \(Int(loop.elapsed))s waiting for subnet \(cidr) to be available") }
            try await loop.pause()
        }
    }
}
