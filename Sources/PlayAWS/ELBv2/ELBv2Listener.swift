/// A listener and where its default actions send traffic.
public struct ELBv2Listener: Sendable, Hashable {
    public var arn: String
    public var loadBalancerARN: String
    public var port: Int?
    public var `protocol`: String?
    public var defaultActions: [ELBv2Action]

    init(xml member: XMLTree) {
        arn = member.string("ListenerArn") ?? ""
        loadBalancerARN = member.string("LoadBalancerArn") ?? ""
        port = member.int("Port")
        `protocol` = member.nonEmpty("Protocol")
        defaultActions = member.list("DefaultActions", item: "member").map(ELBv2Action.init(xml:))
    }

    /// Target groups that receive traffic from the default actions.
    public var forwardedTargetGroups: [String] {
        var arns: [String] = []
        for action in defaultActions {
            for arn in action.forwardedTargetGroups where !arns.contains(arn) { arns.append(arn) }
        }
        return arns
    }
}
