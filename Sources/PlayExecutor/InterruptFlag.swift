import Synchronization

/// Raised on Ctrl-C or SIGTERM (PlayApp's SignalWatcher): the executor starts no new step once it is raised,
/// lets running steps end, and reports the recap.
public final class InterruptFlag: Sendable {
    private let raised = Atomic<Bool>(false)
    public init() {}
    public func raise() { raised.store(true, ordering: .relaxed) }
    public var isRaised: Bool { raised.load(ordering: .relaxed) }
}
