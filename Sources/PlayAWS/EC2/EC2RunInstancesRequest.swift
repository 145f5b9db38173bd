/// What to launch. `tags` go on the instances (and their volumes with `tagVolumes`) at launch,
/// so a crash between launch and tagging cannot leave untagged instances behind.
public struct EC2RunInstancesRequest: Sendable, Hashable {
    public var imageID: String
    public var instanceType: String
    public var minCount: Int
    public var maxCount: Int
    public var subnetID: String?
    public var securityGroupIDs: [String]
    public var keyName: String?
    /// Only valid with count 1.
    public var privateIPAddress: String?
    /// Plain text; the client base64-encodes it.
    public var userData: String?
    public var tags: [String: String]
    public var tagVolumes: Bool
    /// Makes the call idempotent on AWS, and the only way it is retried after an ambiguous failure.
    public var clientToken: String?
    /// An instance profile name or ARN.
    public var iamInstanceProfile: String?
    public var availabilityZone: String?

    public init(imageID: String, instanceType: String, count: Int = 1, subnetID: String? = nil,
                securityGroupIDs: [String] = [], keyName: String? = nil, privateIPAddress: String? = nil,
                userData: String? = nil, tags: [String: String] = [:], tagVolumes: Bool = false,
                clientToken: String? = nil, iamInstanceProfile: String? = nil, availabilityZone: String? = nil) {
        self.imageID = imageID
        self.instanceType = instanceType
        self.minCount = count
        self.maxCount = count
        self.subnetID = subnetID
        self.securityGroupIDs = securityGroupIDs
        self.keyName = keyName
        self.privateIPAddress = privateIPAddress
        self.userData = userData
        self.tags = tags
        self.tagVolumes = tagVolumes
        self.clientToken = clientToken
        self.iamInstanceProfile = iamInstanceProfile
        self.availabilityZone = availabilityZone
    }
}
