import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `ec2_eip`: an Elastic IP, found by `public_ip` or by the instance/interface
/// `device_id` it is associated with. `present` allocates one when none is found (or, with
/// `reuse_existing_ip_allowed`, takes a free one, matching `tag_name`/`tag_value` when given),
/// associates it with `device_id` and sets its `tags`; returns `public_ip` and `allocation_id`.
/// `absent` disassociates it from `device_id`, and releases it when no device is given or with
/// `release_on_disassociation`; returns `disassociated` and `released`.
public struct EC2EIPModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_eip", arguments: [
        ArgumentSpec("device_id", .string, aliases: ["instance_id"]),
        ArgumentSpec("public_ip", .string, aliases: ["ip"]),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("in_vpc", .bool, defaultValue: false),
        ArgumentSpec("reuse_existing_ip_allowed", .bool, defaultValue: false),
        ArgumentSpec("release_on_disassociation", .bool, defaultValue: false),
        ArgumentSpec("allow_reassociation", .bool, defaultValue: false),
        ArgumentSpec("private_ip_address", .string),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("tag_name", .string),
        ArgumentSpec("tag_value", .string),
        ArgumentSpec("public_ipv4_pool", .string),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let device = context.string("device_id")
            let isInstance = device?.hasPrefix("i-") ?? false
            if let device, device.hasPrefix("eni-"), !context.bool("in_vpc", default: false) {
                throw AWSModuleError("If you are specifying an ENI, in_vpc must be true")
            }
            if context.string("private_ip_address") != nil, device == nil { throw AWSModuleError("missing parameter(s) required by 'private_ip_address': device_id") }
            if context.string("tag_value") != nil, context.string("tag_name") == nil { throw AWSModuleError("missing parameter(s) required by 'tag_value': tag_name") }
            let ec2 = try await context.awsSession().ec2
            var filters: [EC2Filter] = []
            if let ip = context.string("public_ip") { filters.append(EC2Filter("public-ip", [ip])) }
            else if let device { filters.append(EC2Filter(isInstance ? "instance-id" : "network-interface-id", [device])) }
            var address = filters.isEmpty ? nil : try await addresses(ec2, filters).first
            if context.string("state") == "absent" {
                return try await release(context, ec2, address, device: device)
            }
            var changed = false
            if address == nil, context.bool("reuse_existing_ip_allowed", default: false) {
                var search = [EC2Filter]()
                if let name = context.string("tag_name") {
                    search.append(context.string("tag_value").map { EC2Filter("tag:\(name)", [$0]) } ?? EC2Filter("tag-key", [name]))
                }
                address = try await addresses(ec2, search).first { $0.string("associationId") == nil }
            }
            if address == nil {
                changed = true
                if context.checkMode { return .ok(changed: true, [:]) }
                var allocate = EC2Request("AllocateAddress")
                if context.bool("in_vpc", default: false) { allocate.set("Domain", "vpc") }
                allocate.set("PublicIpv4Pool", context.string("public_ipv4_pool"))
                allocate.tagSpecifications(["elastic-ip"], tags: ResourceTags.given(context))
                address = try await AWSModuleError.wrapping("allocating an Elastic IP") { try await ec2.send(allocate, idempotent: false) }
            }
            guard let address, let allocationID = address.nonEmpty("allocationId") else {
                throw AWSModuleError("the Elastic IP could not be allocated")
            }
            if let device, address.string(isInstance ? "instanceId" : "networkInterfaceId") != device {
                changed = true
                if !context.checkMode {
                    var associate = EC2Request("AssociateAddress")
                    associate.set(isInstance ? "InstanceId" : "NetworkInterfaceId", device)
                    associate.set("AllocationId", allocationID)
                    associate.set("AllowReassociation", context.bool("allow_reassociation", default: false))
                    associate.set("PrivateIpAddress", context.string("private_ip_address"))
                    _ = try await AWSModuleError.wrapping("associating \(allocationID) with \(device)") { try await ec2.send(associate) }
                }
            }
            if context.args["tags"].map({ !$0.isNull }) ?? false {
                let have = address.tags("tagSet", item: "item")
                let (add, remove) = ResourceTags.changes(have, ResourceTags.given(context), purge: context.bool("purge_tags", default: true))
                if !add.isEmpty || !remove.isEmpty {
                    changed = true
                    if !context.checkMode {
                        try await AWSModuleError.wrapping("tagging \(allocationID)") {
                            try await ec2.createTags(resourceIDs: [allocationID], tags: add)
                            try await ec2.deleteTags(resourceIDs: [allocationID], keys: remove)
                        }
                    }
                }
            }
            return .ok(changed: changed, ["public_ip": .string(address.string("publicIp") ?? ""), "allocation_id": .string(allocationID)])
        }
    }

    private func addresses(_ ec2: EC2Client, _ filters: [EC2Filter]) async throws -> [XMLTree] {
        var request = EC2Request("DescribeAddresses")
        request.filters(filters)
        return try await AWSModuleError.wrapping("describing Elastic IPs") { try await ec2.describeItems(request, set: "addressesSet") }
    }

    private func release(_ context: ModuleContext, _ ec2: EC2Client, _ address: XMLTree?, device: String?) async throws -> TaskResult {
        var disassociated = false, released = false
        if let address {
            if device != nil, let association = address.nonEmpty("associationId") {
                disassociated = true
                if !context.checkMode {
                    var request = EC2Request("DisassociateAddress")
                    request.set("AssociationId", association)
                    _ = try await AWSModuleError.wrapping("disassociating \(association)") { try await ec2.send(request) }
                }
            }
            if device == nil || (disassociated && context.bool("release_on_disassociation", default: false)) {
                released = true
                if !context.checkMode {
                    var request = EC2Request("ReleaseAddress")
                    request.set("AllocationId", address.nonEmpty("allocationId"))
                    _ = try await AWSModuleError.wrapping("releasing \(address.string("publicIp") ?? "")") { try await ec2.send(request) }
                }
            }
        }
        return .ok(changed: disassociated || released, ["disassociated": .bool(disassociated), "released": .bool(released)])
    }
}
