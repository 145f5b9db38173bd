import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `ec2_vpc_subnet`: the subnet of `vpc_id` with this CIDR block and `tags`, created when missing
/// or deleted with `state: absent` (only when it carries the tags).
public struct EC2VPCSubnetModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_vpc_subnet", arguments: [
        ArgumentSpec("vpc_id", .string, required: true),
        ArgumentSpec("cidr", .string, required: true, aliases: ["cidr_block"]),
        ArgumentSpec("az", .string, aliases: ["availability_zone"]),
        ArgumentSpec("tags", .dict),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        let vpcID = context.string("vpc_id") ?? ""
        let cidr = context.string("cidr") ?? ""
        let tags = ResourceTags.given(context)
        let ec2 = try await context.awsSession().ec2
        let inVPC = try await AWSModuleError.wrapping("looking up subnet \(cidr) of \(vpcID)") {
            try await ec2.describeSubnets(filters: [EC2Filter("vpc-id", [vpcID])]).filter { $0.cidrBlock == cidr }
        }
        let found = inVPC.first { ResourceTags.matches($0.tags, tags) }
        if context.string("state") == "absent" {
            guard let subnet = found else { return .ok(changed: false, ["subnet_id": .null, "msg": .string("no subnet \(cidr) to delete")]) }
            if !context.checkMode {
                try await AWSModuleError.wrapping("deleting subnet \(subnet.subnetID); remove its instances and load balancers first") {
                    try await ec2.deleteSubnet(subnet.subnetID)
                }
            }
            return .ok(changed: true, ["subnet_id": .string(subnet.subnetID), "msg": .string("deleted subnet \(subnet.subnetID)")])
        }
        if let subnet = found { return .ok(changed: false, ["subnet_id": .string(subnet.subnetID), "subnet": value(subnet)]) }
        if let other = inVPC.first {
            throw AWSModuleError("\(vpcID) already has subnet \(other.subnetID) with \(cidr) but without these tags: tag it or choose another cidr")
        }
        if context.checkMode { return .ok(changed: true, ["subnet_id": .null, "msg": .string("would create subnet \(cidr) in \(vpcID)")]) }
        let subnet = try await AWSModuleError.wrapping("creating subnet \(cidr) in \(vpcID)") {
            try await ec2.createSubnet(vpcID: vpcID, cidrBlock: cidr, availabilityZone: context.string("az"), tags: tags)
        }
        return .ok(changed: true, ["subnet_id": .string(subnet.subnetID), "subnet": value(subnet), "msg": .string("created subnet \(subnet.subnetID)")])
    }

    private func value(_ subnet: EC2Subnet) -> Value {
        .dict(["id": .string(subnet.subnetID), "vpc_id": .string(subnet.vpcID), "cidr_block": .string(subnet.cidrBlock),
               "availability_zone": subnet.availabilityZone.map(Value.string) ?? .null, "tags": ResourceTags.value(subnet.tags)])
    }
}
