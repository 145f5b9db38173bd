/// An AMI.
public struct EC2Image: Sendable, Hashable, Identifiable {
    public var id: String { imageID }
    public var imageID: String
    public var name: String?
    public var description: String?
    /// "available", "pending", "failed"...
    public var state: String?
    public var ownerID: String?
    public var architecture: String?
    public var creationDate: String?
    public var rootDeviceName: String?
    public var tags: [String: String]

    init(xml item: XMLTree) {
        imageID = item.string("imageId") ?? ""
        name = item.nonEmpty("name")
        description = item.nonEmpty("description")
        state = item.nonEmpty("imageState")
        ownerID = item.nonEmpty("imageOwnerId")
        architecture = item.nonEmpty("architecture")
        creationDate = item.nonEmpty("creationDate")
        rootDeviceName = item.nonEmpty("rootDeviceName")
        tags = item.tags("tagSet", item: "item")
    }
}
