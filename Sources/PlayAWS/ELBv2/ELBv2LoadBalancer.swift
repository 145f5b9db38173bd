/// An application or network load balancer.
public struct ELBv2LoadBalancer: Sendable, Hashable {
    public var arn: String
    public var name: String
    public var dnsName: String?
    /// "active", "provisioning", "failed"...
    public var state: String?
    public var type: String?
    public var scheme: String?
    public var vpcID: String?
    public var securityGroupIDs: [String]

    init(xml member: XMLTree) {
        arn = member.string("LoadBalancerArn") ?? ""
        name = member.string("LoadBalancerName") ?? ""
        dnsName = member.nonEmpty("DNSName")
        state = member.nonEmpty("State", "Code")
        type = member.nonEmpty("Type")
        scheme = member.nonEmpty("Scheme")
        vpcID = member.nonEmpty("VpcId")
        securityGroupIDs = member.list("SecurityGroups", item: "member").map(\.text)
    }
}
