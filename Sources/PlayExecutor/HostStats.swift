/// The PLAY RECAP counters for one host.
public struct HostStats: Sendable, Hashable, Codable {
    public var ok = 0
    public var changed = 0
    public var unreachable = 0
    public var failed = 0
    public var skipped = 0
    public var rescued = 0
    public var ignored = 0

    public init() {}
}
