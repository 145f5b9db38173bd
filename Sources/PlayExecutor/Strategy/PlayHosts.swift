import OrderedCollections

/// The hosts of one play as the scheduler sees them, and as the magic variables show them
/// (`ansible_play_hosts_all`, `ansible_play_batch`, `ansible_play_hosts`).
public struct PlayHosts: Sendable, Equatable {
    /// Every host the play matched, less hosts that failed in earlier plays.
    public var all: [String]
    /// The current `serial` batch.
    public var batch: [String] = []
    /// Hosts of the batch still running the play.
    public var active: OrderedSet<String> = []

    public init(all: [String]) {
        self.all = all
    }
}
