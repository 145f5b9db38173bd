import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `ec2_vpc_igw`: the internet gateway of a VPC, found by `internet_gateway_id` or by
/// its attachment to `vpc_id`. `present` creates and attaches one when none is found (with
/// `force_attach` moves a gateway attached elsewhere, with `detach_vpc` detaches it) and sets its
/// `tags`; returns `gateway_id`, `vpc_id`, `tags`. `absent` detaches and deletes it.
public struct EC2VPCIGWModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_vpc_igw", arguments: [
        ArgumentSpec("internet_gateway_id", .string),
        ArgumentSpec("vpc_id", .string),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("tags", .dict, aliases: ["resource_tags"]),
        ArgumentSpec("purge_tags", .bool, defaultValue: true),
        ArgumentSpec("force_attach", .bool, defaultValue: false),
        ArgumentSpec("detach_vpc", .bool, defaultValue: false),
    ] + AWSArguments.specs, mutuallyExclusive: [["force_attach", "detach_vpc"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            try ArgumentRequirements.requireIf(context, "force_attach", "true", ["vpc_id"])
            try ArgumentRequirements.requireIf(context, "state", "absent", ["internet_gateway_id", "vpc_id"], any: true)
            try ArgumentRequirements.requireIf(context, "detach_vpc", "true", ["internet_gateway_id", "vpc_id"], any: true)
            let ec2 = try await context.awsSession().ec2
            let vpcID = context.string("vpc_id"), gatewayID = context.string("internet_gateway_id")
            let found = try await gateway(ec2, vpcID: gatewayID == nil ? vpcID : nil, id: gatewayID)
            if context.string("state") == "absent" {
                return try await remove(context, ec2, found, vpcID: vpcID)
            }
            var changed = false
            let id: String
            if let found, let foundID = found.string("internetGatewayId") {
                id = foundID
                let attached = found.string("attachmentSet", "item", "vpcId")
                if let attached, context.bool("detach_vpc", default: false) {
                    if context.checkMode { return .ok(changed: true, ["gateway_id": .string(id)]) }
                    try await detach(ec2, id, attached)
                    changed = true
                } else if let attached, attached != vpcID {
                    if context.checkMode { return .ok(changed: true, ["gateway_id": .string(id)]) }
                    guard context.bool("force_attach", default: false), let vpcID else {
                        throw AWSModuleError("VPC already attached, but does not match requested VPC.")
                    }
                    try await requireVPC(ec2, vpcID)
                    try await detach(ec2, id, attached)
                    try await attach(ec2, id, vpcID)
                    changed = true
                } else if attached == nil, let vpcID {
                    if context.checkMode { return .ok(changed: true, ["gateway_id": .string(id)]) }
                    try await requireVPC(ec2, vpcID)
                    try await attach(ec2, id, vpcID)
                    changed = true
                }
            } else {
                if context.checkMode { return .ok(changed: true, ["gateway_id": .null]) }
                if let vpcID { try await requireVPC(ec2, vpcID) }
                var create = EC2Request("CreateInternetGateway")
                create.tagSpecifications(["internet-gateway"], tags: ResourceTags.given(context))
                let root = try await AWSModuleError.wrapping("creating an internet gateway") { try await ec2.send(create, idempotent: false) }
                guard let created = root.string("internetGateway", "internetGatewayId") else {
                    throw AWSModuleError("CreateInternetGateway returned no gateway id")
                }
                id = created
                changed = true
                if let vpcID { try await attach(ec2, id, vpcID) }
            }
            let have = try await gateway(ec2, vpcID: nil, id: id)?.tags("tagSet", item: "item") ?? [:]
            changed = try await EC2TagSync.ensure(context, ec2, resource: id, have: have) || changed
            let after = try await gateway(ec2, vpcID: nil, id: id)
            return .ok(changed: changed, [
                "gateway_id": .string(id),
                "tags": ResourceTags.value(after?.tags("tagSet", item: "item") ?? [:]),
                "vpc_id": vpcID.map(Value.string) ?? .null,
            ])
        }
    }

    private func remove(_ context: ModuleContext, _ ec2: EC2Client, _ found: XMLTree?, vpcID: String?) async throws -> TaskResult {
        guard let found, let id = found.string("internetGatewayId") else { return .ok(changed: false, [:]) }
        let attached = found.string("attachmentSet", "item", "vpcId") ?? ""
        if let vpcID, attached != vpcID {
            throw AWSModuleError("Supplied VPC (\(vpcID)) does not match found VPC (\(attached)), aborting")
        }
        if context.checkMode { return .ok(changed: true, [:]) }
        if !attached.isEmpty { try await detach(ec2, id, attached) }
        var delete = EC2Request("DeleteInternetGateway")
        delete.set("InternetGatewayId", id)
        _ = try await AWSModuleError.wrapping("deleting \(id)") { try await ec2.send(delete) }
        return .ok(changed: true, [:])
    }

    /// The gateway with `id`, or the one attached to `vpcID`; more than one is an error.
    private func gateway(_ ec2: EC2Client, vpcID: String?, id: String?) async throws -> XMLTree? {
        var request = EC2Request("DescribeInternetGateways")
        if let id { request.list("InternetGatewayId", [id]) } else { request.filters([EC2Filter("attachment.vpc-id", [vpcID ?? ""])]) }
        let items: [XMLTree]
        do {
            items = try await ec2.describeItems(request, set: "internetGatewaySet")
        } catch let error as AWSError where error.code == "InvalidInternetGatewayID.NotFound" {
            return nil
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "describing internet gateways")
        }
        if items.count > 1 { throw AWSModuleError("EC2 returned more than one Internet Gateway for VPC \(vpcID ?? ""), aborting") }
        return items.first
    }

    private func requireVPC(_ ec2: EC2Client, _ vpcID: String) async throws {
        var request = EC2Request("DescribeVpcs")
        request.list("VpcId", [vpcID])
        let vpcs = try? await ec2.describeItems(request, set: "vpcSet")
        if vpcs?.isEmpty ?? true { throw AWSModuleError("VPC with Id \(vpcID) not found, aborting") }
    }

    private func attach(_ ec2: EC2Client, _ id: String, _ vpcID: String) async throws {
        var request = EC2Request("AttachInternetGateway")
        request.set("InternetGatewayId", id)
        request.set("VpcId", vpcID)
        _ = try await AWSModuleError.wrapping("attaching \(id) to \(vpcID)") { try await ec2.send(request) }
    }

    private func detach(_ ec2: EC2Client, _ id: String, _ vpcID: String) async throws {
        var request = EC2Request("DetachInternetGateway")
        request.set("InternetGatewayId", id)
        request.set("VpcId", vpcID)
        _ = try await AWSModuleError.wrapping("detaching \(id) from \(vpcID)") { try await ec2.send(request) }
    }
}
