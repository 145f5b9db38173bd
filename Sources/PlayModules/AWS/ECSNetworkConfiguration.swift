import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// The `network_configuration` argument of `ecs_service` and `ecs_task` (`subnets`,
/// `security_groups`, `assign_public_ip`) as the API's `awsvpcConfiguration`. Security groups
/// given by name are looked up in the VPC of the first subnet, as the collection does.
enum ECSNetworkConfiguration {
    static func request(_ given: Value, ec2: EC2Client) async throws -> Value {
        guard let subnets = given["subnets"]?.listValue, !subnets.isEmpty else {
            throw AWSModuleError("Network configuration must include subnets")
        }
        let subnetIDs = subnets.map(\.renderedString)
        var out: OrderedDictionary<String, Value> = ["subnets": .list(subnetIDs.map(Value.string))]
        if let groups = given["security_groups"]?.listValue {
            var names = groups.map(\.renderedString)
            if names.contains(where: { !$0.hasPrefix("sg-") }) {
                names = try await AWSModuleError.wrapping("Couldn't look up security groups") {
                    try await groupIDs(names, subnet: subnetIDs[0], ec2: ec2)
                }
            }
            out["securityGroups"] = .list(names.map(Value.string))
        }
        if let publicIP = given["assign_public_ip"], !publicIP.isNull {
            out["assignPublicIp"] = .string((ValueCoercion.bool(publicIP) ?? publicIP.isTruthy) ? "ENABLED" : "DISABLED")
        }
        return .dict(["awsvpcConfiguration": .dict(out)])
    }

    private static func groupIDs(_ names: [String], subnet: String, ec2: EC2Client) async throws -> [String] {
        guard let vpc = try await ec2.describeSubnets(subnetIDs: [subnet]).first?.vpcID else {
            throw AWSModuleError("Couldn't look up security groups: subnet \(subnet) not found")
        }
        let groups = try await ec2.describeSecurityGroups(filters: [EC2Filter("vpc-id", [vpc])])
        return try names.map { name in
            if name.hasPrefix("sg-") { return name }
            guard let group = groups.first(where: { $0.groupName == name }) else {
                throw AWSModuleError("Couldn't look up security groups: no security group named '\(name)' in \(vpc)")
            }
            return group.groupID
        }
    }
}
