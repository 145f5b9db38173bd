/// A subnet.
public struct EC2Subnet: Sendable, Hashable, Identifiable {
    public var id: String { subnetID }
    public var subnetID: String
    public var vpcID: String
    public var cidrBlock: String
    public var availabilityZone: String?
    public var availableIPAddressCount: Int?
    public var state: String?
    public var defaultForAZ: Bool
    public var tags: [String: String]

    init(xml item: XMLTree) {
        subnetID = item.string("subnetId") ?? ""
        vpcID = item.string("vpcId") ?? ""
        cidrBlock = item.string("cidrBlock") ?? ""
        availabilityZone = item.nonEmpty("availabilityZone")
        availableIPAddressCount = item.int("availableIpAddressCount")
        state = item.nonEmpty("state")
        defaultForAZ = item.bool("defaultForAz") ?? false
        tags = item.tags("tagSet", item: "item")
    }
}
