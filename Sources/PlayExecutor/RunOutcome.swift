import OrderedCollections

/// The end of a run: the recap counters and how it ended; the process exit code is made from it above, in PlayApp.
public struct RunOutcome: Sendable {
    public var stats: OrderedDictionary<String, HostStats>
    public var interrupted: Bool
    public var anyFailed: Bool
    public var anyUnreachable: Bool
}
