/// A target of a target group: an instance id (or an IP for `ip` groups), with an optional port.
public struct ELBv2Target: Sendable, Hashable, CustomStringConvertible {
    public var id: String
    public var port: Int?
    public var availabilityZone: String?

    public init(id: String, port: Int? = nil, availabilityZone: String? = nil) {
        self.id = id
        self.port = port
        self.availabilityZone = availabilityZone
    }

    init(xml: XMLTree) {
        self.init(id: xml.string("Id") ?? "", port: xml.int("Port"), availabilityZone: xml.nonEmpty("AvailabilityZone"))
    }

    public var description: String { port.map { "\(id):\($0)" } ?? id }
}
