import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// `ec2_vpc_net`: the VPC with this `Name` tag, CIDR block and `tags`, created when missing
/// (`state: present`) or deleted (`state: absent`; its subnets and groups must be gone first).
/// Found by tags, never by id, so running it again finds what the first run made.
public struct EC2VPCNetModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "ec2_vpc_net", arguments: [
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("cidr_block", .string, required: true),
        ArgumentSpec("tags", .dict),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule { try await apply(context) }
    }

    private func apply(_ context: ModuleContext) async throws -> TaskResult {
        let name = context.string("name") ?? ""
        let cidr = context.string("cidr_block") ?? ""
        var tags = ResourceTags.given(context)
        tags["Name"] = name
        let ec2 = try await context.awsSession().ec2
        let found = try await AWSModuleError.wrapping("looking up VPC '\(name)'") {
            try await ec2.describeVpcs(filters: EC2Filter.tags(tags)).filter { $0.cidrBlock == cidr }
        }
        if found.count > 1 {
            throw AWSModuleError("\(found.count) VPCs are called '\(name)' with \(cidr) and these tags "
                + "(\(found.map(\.vpcID).joined(separator: ", "))): delete the extra ones or give more tags")
        }
        if context.string("state") == "absent" {
            guard let vpc = found.first else { return .ok(changed: false, ["vpc_id": .null, "msg": .string("no VPC '\(name)' to delete")]) }
            if !context.checkMode {
                try await AWSModuleError.wrapping("deleting VPC \(vpc.vpcID) ('\(name)'); delete its subnets, groups and load balancers first") {
                    try await ec2.deleteVpc(vpc.vpcID)
                }
            }
            return .ok(changed: true, ["vpc_id": .string(vpc.vpcID), "msg": .string("deleted VPC \(vpc.vpcID) ('\(name)')")])
        }
        if let vpc = found.first {
            return .ok(changed: false, ["vpc_id": .string(vpc.vpcID), "vpc": value(vpc)])
        }
        if context.checkMode {
            return .ok(changed: true, ["vpc_id": .null, "msg": .string("would create VPC '\(name)' (\(cidr))")])
        }
        let vpc = try await AWSModuleError.wrapping("creating VPC '\(name)' (\(cidr))") { try await ec2.createVpc(cidrBlock: cidr, tags: tags) }
        return .ok(changed: true, ["vpc_id": .string(vpc.vpcID), "vpc": value(vpc), "msg": .string("created VPC \(vpc.vpcID)")])
    }

    private func value(_ vpc: EC2Vpc) -> Value {
        .dict(["id": .string(vpc.vpcID), "cidr_block": .string(vpc.cidrBlock), "state": vpc.state.map(Value.string) ?? .null,
               "tags": ResourceTags.value(vpc.tags)])
    }
}
