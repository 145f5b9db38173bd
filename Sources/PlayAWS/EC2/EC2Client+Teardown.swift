import PlayBase

/// Deleting what the environment playbook creates, and reading a group's ingress rules so that
/// rules are only added when missing.
extension EC2Client {
    public func deleteVpc(_ vpcID: String) async throws {
        var p = parameters("DeleteVpc")
        p.set("VpcId", vpcID)
        _ = try await call(p)
    }

    public func deleteSubnet(_ subnetID: String) async throws {
        var p = parameters("DeleteSubnet")
        p.set("SubnetId", subnetID)
        _ = try await call(p)
    }

    public func deleteSecurityGroup(_ groupID: String) async throws {
        var p = parameters("DeleteSecurityGroup")
        p.set("GroupId", groupID)
        _ = try await call(p)
    }

    /// A group's ingress rules, one entry per protocol, port range and IPv4 range.
    public func ingressRules(groupID: String) async throws -> [EC2IngressRule] {
        var p = parameters("DescribeSecurityGroups")
        p.list("GroupId", [groupID])
        let root = try await call(p)
        var rules: [EC2IngressRule] = []
        for group in root.list("securityGroupInfo", item: "item") {
            for permission in group.list("ipPermissions", item: "item") {
                let proto = permission.string("ipProtocol") ?? "-1"
                for range in permission.list("ipRanges", item: "item") {
                    rules.append(EC2IngressRule(protocol: proto, fromPort: permission.int("fromPort"),
                                                toPort: permission.int("toPort"), cidr: range.string("cidrIp") ?? ""))
                }
            }
        }
        return rules
    }
}

/// One ingress rule: a protocol ("tcp", "udp", "icmp", "-1" for all), a port range and a source range.
public struct EC2IngressRule: Sendable, Hashable {
    public var `protocol`: String
    public var fromPort: Int?
    public var toPort: Int?
    public var cidr: String

    public init(protocol: String, fromPort: Int?, toPort: Int?, cidr: String) {
        self.protocol = `protocol`
        self.fromPort = fromPort
        self.toPort = toPort
        self.cidr = cidr
    }
}
