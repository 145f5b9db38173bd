import OrderedCollections

/// The recap counters and the run's failed and unreachable hosts. The scheduler keeps them while
/// a play runs; they carry over from play to play.
public struct FailureBookkeeping: Sendable, Equatable {
    public var stats: OrderedDictionary<String, HostStats>
    public var failed: Set<String>
    public var unreachable: Set<String>

    public init(stats: OrderedDictionary<String, HostStats> = [:], failed: Set<String> = [], unreachable: Set<String> = []) {
        self.stats = stats
        self.failed = failed
        self.unreachable = unreachable
    }

    /// Failed or unreachable: the host takes no further part in the run.
    public func isGone(_ host: String) -> Bool {
        failed.contains(host) || unreachable.contains(host)
    }

    /// A host appears in the recap from the first batch it is in, even if nothing runs on it.
    mutating func touch(_ host: String) {
        if stats[host] == nil { stats[host] = HostStats() }
    }

    mutating func update(_ host: String, _ change: (inout HostStats) -> Void) {
        change(&stats[host, default: HostStats()])
    }

    /// The ok/changed/skipped/ignored counters of a result that reached its host.
    mutating func count(_ report: HostReport) {
        update(report.host) { s in
            if report.ignored {
                s.ok += 1
                s.ignored += 1
                if report.changed { s.changed += 1 }
            } else if !report.failed {
                switch report.status {
                case .skipped: s.skipped += 1
                case .changed: s.ok += 1; s.changed += 1
                default: s.ok += 1
                }
            }
        }
    }
}
