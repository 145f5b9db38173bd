/// A target group.
public struct ELBv2TargetGroup: Sendable, Hashable {
    public var arn: String
    public var name: String
    public var `protocol`: String?
    public var port: Int?
    public var vpcID: String?
    /// "instance", "ip", "lambda", "alb".
    public var targetType: String?
    public var healthCheckPath: String?
    public var healthCheckPort: String?
    /// As reported; moto does not update it after a listener swap, so read listeners for routing.
    public var loadBalancerARNs: [String]

    init(xml member: XMLTree) {
        arn = member.string("TargetGroupArn") ?? ""
        name = member.string("TargetGroupName") ?? ""
        `protocol` = member.nonEmpty("Protocol")
        port = member.int("Port")
        vpcID = member.nonEmpty("VpcId")
        targetType = member.nonEmpty("TargetType")
        healthCheckPath = member.nonEmpty("HealthCheckPath")
        healthCheckPort = member.nonEmpty("HealthCheckPort")
        loadBalancerARNs = member.list("LoadBalancerArns", item: "member").map(\.text)
    }
}
