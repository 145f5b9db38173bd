/// A VPC.
public struct EC2Vpc: Sendable, Hashable, Identifiable {
    public var id: String { vpcID }
    public var vpcID: String
    public var cidrBlock: String
    public var state: String?
    public var isDefault: Bool
    public var tags: [String: String]

    init(xml item: XMLTree) {
        vpcID = item.string("vpcId") ?? ""
        cidrBlock = item.string("cidrBlock") ?? ""
        state = item.nonEmpty("state")
        isDefault = item.bool("isDefault") ?? false
        tags = item.tags("tagSet", item: "item")
    }
}
