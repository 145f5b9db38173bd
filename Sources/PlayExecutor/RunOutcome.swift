import OrderedCollections

/// The end of a run: the recap counters and the exit code ansible-playbook would give.
public struct RunOutcome: Sendable {
    public var stats: OrderedDictionary<String, HostStats>
    public var interrupted: Bool
    public var anyFailed: Bool
    public var anyUnreachable: Bool

    /// 0 ok, 2 failed hosts, 4 unreachable hosts, 99 interrupted (as ansible-playbook).
    public var exitCode: Int32 {
        if interrupted { return 99 }
        if anyUnreachable { return 4 }
        if anyFailed { return 2 }
        return 0
    }
}
