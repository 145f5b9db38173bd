/// A listener action. Deploys use `forward` to one target group, or weighted across several (blue/green).
public struct ELBv2Action: Sendable, Hashable {
    public var type: String
    /// The single target group of a simple forward.
    public var targetGroupARN: String?
    /// Weighted forward: target group ARN and weight, in order.
    public var weightedTargetGroups: [WeightedTargetGroup]
    public var order: Int?

    public struct WeightedTargetGroup: Sendable, Hashable {
        public var targetGroupARN: String
        public var weight: Int?
        public init(targetGroupARN: String, weight: Int? = nil) {
            self.targetGroupARN = targetGroupARN
            self.weight = weight
        }
    }

    public init(type: String, targetGroupARN: String? = nil, weightedTargetGroups: [WeightedTargetGroup] = [],
                order: Int? = nil) {
        self.type = type
        self.targetGroupARN = targetGroupARN
        self.weightedTargetGroups = weightedTargetGroups
        self.order = order
    }

    /// Send everything to one target group.
    public static func forward(to targetGroupARN: String) -> ELBv2Action {
        ELBv2Action(type: "forward", targetGroupARN: targetGroupARN)
    }

    /// Split traffic by weight.
    public static func forward(weighted: [WeightedTargetGroup]) -> ELBv2Action {
        ELBv2Action(type: "forward", weightedTargetGroups: weighted)
    }

    /// Every target group this action sends traffic to (weight 0 excluded).
    public var forwardedTargetGroups: [String] {
        var arns = targetGroupARN.map { [$0] } ?? []
        for group in weightedTargetGroups where group.weight != 0 && !arns.contains(group.targetGroupARN) {
            arns.append(group.targetGroupARN)
        }
        return arns
    }

    init(xml member: XMLTree) {
        type = member.string("Type") ?? ""
        targetGroupARN = member.nonEmpty("TargetGroupArn")
        weightedTargetGroups = member.list("ForwardConfig", "TargetGroups", item: "member").compactMap { group in
            group.nonEmpty("TargetGroupArn").map { WeightedTargetGroup(targetGroupARN: $0, weight: group.int("Weight")) }
        }
        order = member.int("Order")
    }

    func encode(into p: inout QueryParameters, prefix: String) {
        p.set("\(prefix).Type", type)
        p.set("\(prefix).TargetGroupArn", targetGroupARN)
        p.set("\(prefix).Order", order)
        for (i, group) in weightedTargetGroups.enumerated() {
            let g = "\(prefix).ForwardConfig.TargetGroups.member.\(i + 1)"
            p.set("\(g).TargetGroupArn", group.targetGroupARN)
            p.set("\(g).Weight", group.weight)
        }
    }
}
