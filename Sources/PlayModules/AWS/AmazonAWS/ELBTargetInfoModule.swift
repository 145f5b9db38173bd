import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// community.aws `elb_target_info`: the target groups an instance is registered in, by its id or
/// any of its private addresses (ip targets), with each registration's health:
/// `instance_target_groups: [{target_group_arn, target_group_type, targets: [{target_id,
/// target_port, target_az, target_health}]}]`. `get_unused_target_groups: false` skips groups
/// no load balancer uses.
public struct ELBTargetInfoModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "elb_target_info", arguments: [
        ArgumentSpec("instance_id", .string, required: true),
        ArgumentSpec("get_unused_target_groups", .bool, defaultValue: true),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let instanceID = context.string("instance_id") ?? ""
            let session = try await context.awsSession()
            let instances = try await AWSModuleError.wrapping("Could not get instance info for instance '\(instanceID)'") {
                try await session.ec2.describeInstances(instanceIDs: [instanceID])
            }
            guard let instance = instances.first else { throw AWSModuleError("Instance ID \(instanceID) could not be found") }
            var request = EC2Request("DescribeInstances")
            request.list("InstanceId", [instanceID])
            let raw = try await session.ec2.describeItems(request, set: "reservationSet").flatMap(EC2ResultShape.instances)
            var addresses: Set<String> = []
            if let ip = instance.privateIPAddress { addresses.insert(ip) }
            for interface in raw.first?["network_interfaces"]?.listValue ?? [] {
                if let ip = interface["private_ip_address"]?.renderedString { addresses.insert(ip) }
                for entry in interface["private_ip_addresses"]?.listValue ?? [] {
                    if let ip = entry["private_ip_address"]?.renderedString { addresses.insert(ip) }
                }
            }
            let elbv2 = session.elbv2
            let groups = try await AWSModuleError.wrapping("Could not describe target groups") {
                try await elbv2.describeMembers(ELBv2Request("DescribeTargetGroups"), list: "TargetGroups")
            }
            let useUnused = context.bool("get_unused_target_groups", default: true)
            var out: [Value] = []
            for group in groups {
                if !useUnused && group.list("LoadBalancerArns", item: "member").isEmpty { continue }
                let arn = group.string("TargetGroupArn") ?? ""
                var health = ELBv2Request("DescribeTargetHealth")
                health.set("TargetGroupArn", arn)
                let descriptions = try await AWSModuleError.wrapping("Could not describe target health for target group \(arn)") {
                    try await elbv2.send(health).list("TargetHealthDescriptions", item: "member")
                }
                let targets: [Value] = descriptions.compactMap { description in
                    guard let id = description.string("Target", "Id"), id == instanceID || addresses.contains(id) else { return nil }
                    return .dict([
                        "target_port": description.int("Target", "Port").map(Value.int) ?? .null,
                        "target_id": .string(id),
                        "target_az": description.nonEmpty("Target", "AvailabilityZone").map(Value.string) ?? .null,
                        "target_health": description["TargetHealth"].map { .dict(ELBv2ResultShape.dict($0)) } ?? .dict([:]),
                    ])
                }
                guard !targets.isEmpty else { continue }
                out.append(.dict(["target_group_type": .string(group.string("TargetType") ?? ""),
                                  "target_group_arn": .string(arn), "targets": .list(targets)]))
            }
            return .ok(changed: false, ["instance_target_groups": .list(out)])
        }
    }
}
