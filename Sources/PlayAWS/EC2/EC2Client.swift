import Foundation

/// EC2 (Query API 2016-11-15). Describe calls follow `nextToken` for the caller and return every
/// item; create calls are not repeated after an ambiguous failure unless they carry a client token.
public struct EC2Client: Sendable {
    public let session: AWSSession
    public let region: String
    static let version = "2016-11-15"

    init(session: AWSSession, region: String) {
        self.session = session
        self.region = region
    }

    func parameters(_ action: String) -> QueryParameters { QueryParameters(action: action, version: Self.version) }

    func call(_ parameters: QueryParameters, idempotent: Bool = true, context: [String: String] = [:],
              continuation: Bool = false) async throws -> XMLTree {
        try await session.query(.ec2, region: region, parameters, idempotent: idempotent, context: context,
                                continuation: continuation)
    }

    /// Runs a Describe call page by page until `nextToken` runs out.
    func paginate<T>(_ first: QueryParameters, context: [String: String] = [:],
                     items: (XMLTree) -> [T]) async throws -> [T] {
        var all: [T] = []
        var token: String?
        var tokens = PaginationTokens(service: "EC2", operation: first.action, region: region)
        repeat {
            var page = first
            page.set("NextToken", token)
            let root = try await call(page, context: context, continuation: token != nil)
            all += items(root)
            token = try tokens.follow(root.nonEmpty("nextToken"))
        } while token != nil
        return all
    }

    // MARK: instances

    /// Launches instances; returns them as RunInstances reports them (state `pending`).
    public func runInstances(_ request: EC2RunInstancesRequest) async throws -> [EC2Instance] {
        var p = parameters("RunInstances")
        p.set("ImageId", request.imageID)
        p.set("InstanceType", request.instanceType)
        p.set("MinCount", request.minCount)
        p.set("MaxCount", request.maxCount)
        p.set("SubnetId", request.subnetID)
        p.list("SecurityGroupId", request.securityGroupIDs)
        p.set("KeyName", request.keyName)
        p.set("PrivateIpAddress", request.privateIPAddress)
        p.set("UserData", request.userData.map { Data($0.utf8).base64EncodedString() })
        p.set("ClientToken", request.clientToken)
        if let profile = request.iamInstanceProfile {
            p.set(profile.hasPrefix("arn:") ? "IamInstanceProfile.Arn" : "IamInstanceProfile.Name", profile)
        }
        p.set("Placement.AvailabilityZone", request.availabilityZone)
        p.tagSpecifications(request.tagVolumes ? ["instance", "volume"] : ["instance"], tags: request.tags)
        var context = ["ImageId": request.imageID]
        context["SubnetId"] = request.subnetID
        let root = try await call(p, idempotent: request.clientToken != nil, context: context)
        let reservation = root.nonEmpty("reservationId")
        return root.list("instancesSet", item: "item").map { EC2Instance(xml: $0, reservationID: reservation) }
    }

    /// Every instance matching `instanceIDs` (if any) and all `filters`, across pages.
    /// `pageSize` (reservations per page) is only sent without instance ids, as AWS requires.
    public func describeInstances(instanceIDs: [String] = [], filters: [EC2Filter] = [],
                                  pageSize: Int? = nil) async throws -> [EC2Instance] {
        var p = parameters("DescribeInstances")
        p.list("InstanceId", instanceIDs)
        p.filters(filters)
        if instanceIDs.isEmpty { p.set("MaxResults", pageSize) }
        return try await paginate(p, context: ["InstanceId": instanceIDs.joined(separator: ", ")]) { root in
            root.list("reservationSet", item: "item").flatMap { reservation in
                let id = reservation.nonEmpty("reservationId")
                return reservation.list("instancesSet", item: "item").map { EC2Instance(xml: $0, reservationID: id) }
            }
        }
    }

    /// Instances carrying all `tags`, in any of `states` (all states when empty): how deploys find a fleet.
    public func findInstances(tags: [String: String], states: [String] = [], extraFilters: [EC2Filter] = []) async throws -> [EC2Instance] {
        var filters = EC2Filter.tags(tags)
        if !states.isEmpty { filters.append(EC2Filter("instance-state-name", states)) }
        return try await describeInstances(filters: filters + extraFilters)
    }

    /// Status checks; only running instances unless `includeAllInstances`.
    public func describeInstanceStatus(instanceIDs: [String] = [], filters: [EC2Filter] = [],
                                       includeAllInstances: Bool = false) async throws -> [EC2InstanceStatus] {
        var p = parameters("DescribeInstanceStatus")
        p.list("InstanceId", instanceIDs)
        p.filters(filters)
        if includeAllInstances { p.set("IncludeAllInstances", true) }
        return try await paginate(p, context: ["InstanceId": instanceIDs.joined(separator: ", ")]) { root in
            root.list("instanceStatusSet", item: "item").map(EC2InstanceStatus.init(xml:))
        }
    }

    public func startInstances(_ instanceIDs: [String]) async throws -> [EC2InstanceStateChange] {
        try await changeState("StartInstances", instanceIDs)
    }

    public func stopInstances(_ instanceIDs: [String], force: Bool = false, hibernate: Bool = false) async throws -> [EC2InstanceStateChange] {
        try await changeState("StopInstances", instanceIDs) { p in
            if force { p.set("Force", true) }
            if hibernate { p.set("Hibernate", true) }
        }
    }

    public func terminateInstances(_ instanceIDs: [String]) async throws -> [EC2InstanceStateChange] {
        try await changeState("TerminateInstances", instanceIDs)
    }

    private func changeState(_ action: String, _ ids: [String],
                             extra: (inout QueryParameters) -> Void = { _ in }) async throws -> [EC2InstanceStateChange] {
        guard !ids.isEmpty else { return [] }
        var p = parameters(action)
        p.list("InstanceId", ids)
        extra(&p)
        let root = try await call(p, context: ["InstanceId": ids.joined(separator: ", ")])
        return root.list("instancesSet", item: "item").map(EC2InstanceStateChange.init(xml:))
    }

    // MARK: tags

    /// Adds or overwrites tags on any EC2 resources (instances, images, VPCs...).
    public func createTags(resourceIDs: [String], tags: [String: String]) async throws {
        guard !resourceIDs.isEmpty, !tags.isEmpty else { return }
        var p = parameters("CreateTags")
        p.list("ResourceId", resourceIDs)
        for (i, tag) in tags.sorted(by: { $0.key < $1.key }).enumerated() {
            p.set("Tag.\(i + 1).Key", tag.key)
            p.set("Tag.\(i + 1).Value", tag.value)
        }
        _ = try await call(p, context: ["InstanceId": resourceIDs.joined(separator: ", ")])
    }

    public func deleteTags(resourceIDs: [String], keys: [String]) async throws {
        guard !resourceIDs.isEmpty, !keys.isEmpty else { return }
        var p = parameters("DeleteTags")
        p.list("ResourceId", resourceIDs)
        for (i, key) in keys.enumerated() { p.set("Tag.\(i + 1).Key", key) }
        _ = try await call(p)
    }

    // MARK: images

    public func describeImages(imageIDs: [String] = [], owners: [String] = [], filters: [EC2Filter] = []) async throws -> [EC2Image] {
        var p = parameters("DescribeImages")
        p.list("ImageId", imageIDs)
        p.list("Owner", owners)
        p.filters(filters)
        return try await paginate(p, context: ["ImageId": imageIDs.joined(separator: ", ")]) { root in
            root.list("imagesSet", item: "item").map(EC2Image.init(xml:))
        }
    }

    /// Registers an AMI by name (the sandbox bakes apps into images this way); returns its id.
    public func registerImage(name: String, description: String? = nil, architecture: String? = nil,
                              rootDeviceName: String? = nil, virtualizationType: String? = nil) async throws -> String {
        var p = parameters("RegisterImage")
        p.set("Name", name)
        p.set("Description", description)
        p.set("Architecture", architecture)
        p.set("RootDeviceName", rootDeviceName)
        p.set("VirtualizationType", virtualizationType)
        return try await imageID(from: call(p, idempotent: false), "RegisterImage")
    }

    /// Creates an AMI from an instance; returns its id.
    public func createImage(instanceID: String, name: String, description: String? = nil, noReboot: Bool = false,
                            tags: [String: String] = [:]) async throws -> String {
        var p = parameters("CreateImage")
        p.set("InstanceId", instanceID)
        p.set("Name", name)
        p.set("Description", description)
        if noReboot { p.set("NoReboot", true) }
        p.tagSpecifications(["image"], tags: tags)
        return try await imageID(from: call(p, idempotent: false, context: ["InstanceId": instanceID]), "CreateImage")
    }

    public func deregisterImage(_ imageID: String) async throws {
        var p = parameters("DeregisterImage")
        p.set("ImageId", imageID)
        _ = try await call(p, context: ["ImageId": imageID])
    }

    private func imageID(from root: XMLTree, _ operation: String) throws -> String {
        guard let id = root.nonEmpty("imageId") else { throw missing("imageId", operation) }
        return id
    }

    // MARK: network

    public func describeSubnets(subnetIDs: [String] = [], filters: [EC2Filter] = []) async throws -> [EC2Subnet] {
        var p = parameters("DescribeSubnets")
        p.list("SubnetId", subnetIDs)
        p.filters(filters)
        return try await paginate(p) { $0.list("subnetSet", item: "item").map(EC2Subnet.init(xml:)) }
    }

    public func describeSecurityGroups(groupIDs: [String] = [], groupNames: [String] = [],
                                       filters: [EC2Filter] = []) async throws -> [EC2SecurityGroup] {
        var p = parameters("DescribeSecurityGroups")
        p.list("GroupId", groupIDs)
        p.list("GroupName", groupNames)
        p.filters(filters)
        return try await paginate(p) { $0.list("securityGroupInfo", item: "item").map(EC2SecurityGroup.init(xml:)) }
    }

    public func describeVpcs(vpcIDs: [String] = [], filters: [EC2Filter] = []) async throws -> [EC2Vpc] {
        var p = parameters("DescribeVpcs")
        p.list("VpcId", vpcIDs)
        p.filters(filters)
        return try await paginate(p) { $0.list("vpcSet", item: "item").map(EC2Vpc.init(xml:)) }
    }

    public func createVpc(cidrBlock: String, tags: [String: String] = [:]) async throws -> EC2Vpc {
        var p = parameters("CreateVpc")
        p.set("CidrBlock", cidrBlock)
        p.tagSpecifications(["vpc"], tags: tags)
        let root = try await call(p, idempotent: false)
        guard let vpc = root["vpc"] else { throw missing("vpc", "CreateVpc") }
        return EC2Vpc(xml: vpc)
    }

    public func createSubnet(vpcID: String, cidrBlock: String, availabilityZone: String? = nil,
                             tags: [String: String] = [:]) async throws -> EC2Subnet {
        var p = parameters("CreateSubnet")
        p.set("VpcId", vpcID)
        p.set("CidrBlock", cidrBlock)
        p.set("AvailabilityZone", availabilityZone)
        p.tagSpecifications(["subnet"], tags: tags)
        let root = try await call(p, idempotent: false)
        guard let subnet = root["subnet"] else { throw missing("subnet", "CreateSubnet") }
        return EC2Subnet(xml: subnet)
    }

    /// Returns the new group's id.
    public func createSecurityGroup(name: String, description: String, vpcID: String? = nil,
                                    tags: [String: String] = [:]) async throws -> String {
        var p = parameters("CreateSecurityGroup")
        p.set("GroupName", name)
        p.set("GroupDescription", description)
        p.set("VpcId", vpcID)
        p.tagSpecifications(["security-group"], tags: tags)
        let root = try await call(p, idempotent: false)
        guard let id = root.nonEmpty("groupId") else { throw missing("groupId", "CreateSecurityGroup") }
        return id
    }

    /// Opens `port` (TCP by default) to `cidr` on a group.
    public func authorizeIngress(groupID: String, port: Int, toPort: Int? = nil, protocol ipProtocol: String = "tcp",
                                 cidr: String) async throws {
        var p = parameters("AuthorizeSecurityGroupIngress")
        p.set("GroupId", groupID)
        p.set("IpPermissions.1.IpProtocol", ipProtocol)
        p.set("IpPermissions.1.FromPort", port)
        p.set("IpPermissions.1.ToPort", toPort ?? port)
        p.set("IpPermissions.1.IpRanges.1.CidrIp", cidr)
        _ = try await call(p, idempotent: false)
    }

    func missing(_ element: String, _ operation: String) -> AWSError {
        AWSError(kind: .decoding, service: "EC2", operation: operation, code: "InvalidResponse",
                 message: "the answer has no <\(element)>", region: region)
    }
}
