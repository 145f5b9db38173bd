/// A security group (rules are not read: the deploy flows only look groups up).
public struct EC2SecurityGroup: Sendable, Hashable, Identifiable {
    public var id: String { groupID }
    public var groupID: String
    public var groupName: String
    public var description: String?
    public var vpcID: String?
    public var tags: [String: String]

    init(xml item: XMLTree) {
        groupID = item.string("groupId") ?? ""
        groupName = item.string("groupName") ?? ""
        description = item.nonEmpty("groupDescription")
        vpcID = item.nonEmpty("vpcId")
        tags = item.tags("tagSet", item: "item")
    }
}
