/// DescribeInstanceStatus: the state plus the two status checks ("ok", "impaired", "initializing"...).
public struct EC2InstanceStatus: Sendable, Hashable {
    public var instanceID: String
    public var state: EC2InstanceState
    public var systemStatus: String?
    public var instanceStatus: String?
    public var availabilityZone: String?

    /// Running with both checks passed: what "wait for status checks" waits for.
    public var isHealthy: Bool { state.isRunning && systemStatus == "ok" && instanceStatus == "ok" }

    init(xml item: XMLTree) {
        instanceID = item.string("instanceId") ?? ""
        state = EC2InstanceState(xml: item["instanceState"]) ?? EC2InstanceState(name: "unknown", code: -1)
        systemStatus = item.nonEmpty("systemStatus", "status")
        instanceStatus = item.nonEmpty("instanceStatus", "status")
        availabilityZone = item.nonEmpty("availabilityZone")
    }
}
