/// CreateTargetGroup's settings (health check fields are optional; AWS fills defaults).
public struct ELBv2CreateTargetGroupRequest: Sendable, Hashable {
    public var name: String
    public var `protocol`: String
    public var port: Int
    public var vpcID: String?
    public var targetType: String
    public var healthCheckPath: String?
    public var healthCheckPort: String?
    public var healthCheckIntervalSeconds: Int?
    public var healthyThresholdCount: Int?
    public var unhealthyThresholdCount: Int?
    public var tags: [String: String]

    public init(name: String, protocol: String = "HTTP", port: Int, vpcID: String? = nil, targetType: String = "instance",
                healthCheckPath: String? = nil, healthCheckPort: String? = nil, healthCheckIntervalSeconds: Int? = nil,
                healthyThresholdCount: Int? = nil, unhealthyThresholdCount: Int? = nil, tags: [String: String] = [:]) {
        self.name = name
        self.protocol = `protocol`
        self.port = port
        self.vpcID = vpcID
        self.targetType = targetType
        self.healthCheckPath = healthCheckPath
        self.healthCheckPort = healthCheckPort
        self.healthCheckIntervalSeconds = healthCheckIntervalSeconds
        self.healthyThresholdCount = healthyThresholdCount
        self.unhealthyThresholdCount = unhealthyThresholdCount
        self.tags = tags
    }
}
