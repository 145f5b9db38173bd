/// One target's health in a target group.
public struct ELBv2TargetHealth: Sendable, Hashable {
    public var target: ELBv2Target
    /// "initial", "healthy", "unhealthy", "unused", "draining", "unavailable".
    public var state: String
    /// Why, when not healthy: `Target.NotRegistered`, `Target.FailedHealthChecks`, `Elb.RegistrationInProgress`...
    public var reason: String?
    public var description: String?
    public var healthCheckPort: String?

    public static let healthy = "healthy", unhealthy = "unhealthy", initial = "initial"
    public static let unused = "unused", draining = "draining", unavailable = "unavailable"

    public var isHealthy: Bool { state == Self.healthy }
    /// Registered (counted by the group), whatever its health.
    public var isRegistered: Bool { state != Self.unused || reason != "Target.NotRegistered" }

    public init(target: ELBv2Target, state: String, reason: String? = nil, description: String? = nil,
                healthCheckPort: String? = nil) {
        self.target = target
        self.state = state
        self.reason = reason
        self.description = description
        self.healthCheckPort = healthCheckPort
    }

    init(xml member: XMLTree) {
        self.init(target: ELBv2Target(xml: member["Target"] ?? XMLTree(name: "Target")),
                  state: member.string("TargetHealth", "State") ?? "unknown",
                  reason: member.nonEmpty("TargetHealth", "Reason"),
                  description: member.nonEmpty("TargetHealth", "Description"),
                  healthCheckPort: member.nonEmpty("HealthCheckPort"))
    }
}
