/// One instance's answer to Start/Stop/TerminateInstances.
public struct EC2InstanceStateChange: Sendable, Hashable {
    public var instanceID: String
    public var previousState: EC2InstanceState?
    public var currentState: EC2InstanceState?

    init(xml item: XMLTree) {
        instanceID = item.string("instanceId") ?? ""
        previousState = EC2InstanceState(xml: item["previousState"])
        currentState = EC2InstanceState(xml: item["currentState"])
    }
}
