import Foundation

/// An instance's lifecycle state (`code` is AWS's number: 0 pending, 16 running, 32 shutting-down,
/// 48 terminated, 64 stopping, 80 stopped).
public struct EC2InstanceState: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var code: Int

    public init(name: String, code: Int) {
        self.name = name
        self.code = code
    }

    init?(xml: XMLTree?) {
        guard let xml, let name = xml.nonEmpty("name") else { return nil }
        self.init(name: name, code: xml.int("code") ?? -1)
    }

    public static let pending = "pending", running = "running", shuttingDown = "shutting-down"
    public static let terminated = "terminated", stopping = "stopping", stopped = "stopped"

    public var isRunning: Bool { name == Self.running }
    /// Gone or on the way out: never count these as part of a fleet.
    public var isTerminal: Bool { name == Self.terminated || name == Self.shuttingDown }

    public var description: String { name }
}

/// An EC2 instance as DescribeInstances and RunInstances report it (the fields deploys use).
public struct EC2Instance: Sendable, Hashable, Identifiable {
    public var id: String { instanceID }
    public var instanceID: String
    public var imageID: String
    public var instanceType: String
    public var state: EC2InstanceState
    public var stateReason: String?
    public var privateIPAddress: String?
    public var publicIPAddress: String?
    public var privateDNSName: String?
    public var publicDNSName: String?
    public var subnetID: String?
    public var vpcID: String?
    public var availabilityZone: String?
    public var keyName: String?
    public var launchTime: Date?
    public var amiLaunchIndex: Int?
    public var clientToken: String?
    public var securityGroups: [EC2SecurityGroupRef]
    public var tags: [String: String]
    public var reservationID: String?

    /// A security group as an instance lists it.
    public struct EC2SecurityGroupRef: Sendable, Hashable {
        public var groupID: String
        public var groupName: String?
    }

    init(xml item: XMLTree, reservationID: String?) {
        instanceID = item.string("instanceId") ?? ""
        imageID = item.string("imageId") ?? ""
        instanceType = item.string("instanceType") ?? ""
        state = EC2InstanceState(xml: item["instanceState"]) ?? EC2InstanceState(name: "unknown", code: -1)
        stateReason = item.nonEmpty("stateReason", "code") ?? item.nonEmpty("reason")
        privateIPAddress = item.nonEmpty("privateIpAddress")
        publicIPAddress = item.nonEmpty("ipAddress")
        privateDNSName = item.nonEmpty("privateDnsName")
        publicDNSName = item.nonEmpty("dnsName")
        subnetID = item.nonEmpty("subnetId")
        vpcID = item.nonEmpty("vpcId")
        availabilityZone = item.nonEmpty("placement", "availabilityZone")
        keyName = item.nonEmpty("keyName")
        launchTime = item.nonEmpty("launchTime").flatMap(EC2Instance.parseTimestamp)
        amiLaunchIndex = item.int("amiLaunchIndex")
        clientToken = item.nonEmpty("clientToken")
        var groups = item.list("groupSet", item: "item")
        if groups.isEmpty {
            // moto lists the groups only on the network interface.
            groups = item.list("networkInterfaceSet", item: "item").first?.list("groupSet", item: "item") ?? []
        }
        securityGroups = groups.compactMap { group in
            group.nonEmpty("groupId").map { EC2SecurityGroupRef(groupID: $0, groupName: group.nonEmpty("groupName")) }
        }
        tags = item.tags("tagSet", item: "item")
        self.reservationID = reservationID
    }

    /// Parses AWS timestamps: `2026-11-22T07:42:49.000Z`, with or without fractions.
    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
