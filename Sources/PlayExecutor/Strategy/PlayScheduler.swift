import OrderedCollections
import PlayBase
import PlayLanguage

/// The sequencing of one play, as a pure state machine: serial batches, sections in lockstep
/// across hosts (each host walking its `HostIterator`), failure bookkeeping, `any_errors_fatal`,
/// `max_fail_percentage`, handler notification and flushes, `meta` actions, include expansion.
///
/// The run loop asks `nextDecision(evaluating:)`, performs the decision, and reports the result
/// (`report`, `reportInclude`, `reportMeta`) before asking again. Nothing here does I/O, so
/// tests drive it with made-up results.
public struct PlayScheduler {
    public struct Settings: Sendable {
        public var serial: [Value]
        public var anyErrorsFatal: Bool
        public var maxFailPercentage: Double?
        public var forceHandlers: Bool

        public init(serial: [Value] = [], anyErrorsFatal: Bool = false, maxFailPercentage: Double? = nil,
                    forceHandlers: Bool = false) {
            self.serial = serial
            self.anyErrorsFatal = anyErrorsFatal
            self.maxFailPercentage = maxFailPercentage
            self.forceHandlers = forceHandlers
        }
    }

    /// Renders a keyword (`run_once`) for a host to a boolean; the loop supplies it because
    /// rendering needs the host's variables.
    public typealias FlagEvaluator = (_ flag: Value, _ task: CompiledTask, _ host: String, _ hosts: PlayHosts) -> Bool

    enum Stage { case betweenBatches, betweenSections, rounds, afterSection, finished }

    /// The decision that waits for its report.
    enum Awaiting {
        case task(hosts: [String], once: Bool)
        case handler(hosts: [String])
        case include(hosts: [String], key: StepKey)
        case meta(MetaAction, hosts: [String])
    }

    let sections: [CompiledBlock]
    let handlers: [CompiledTask]
    let settings: Settings
    /// What the executor must know of a module, looked up by name (`ModuleSpec.traits`).
    let traits: (String) -> ModuleTraits
    let batches: [[String]]

    public internal(set) var hosts: PlayHosts
    public internal(set) var bookkeeping: FailureBookkeeping
    /// `end_play`, `any_errors_fatal` or `max_fail_percentage` ended the play (all batches).
    public internal(set) var playEnded = false
    private(set) var interrupted = false

    var stage = Stage.betweenBatches
    var batchIndex = -1
    var sectionIndex = -1
    var iterators: [String: HostIterator] = [:]
    /// The parts of the current lockstep round not yet handed out.
    var round: [LockstepRound.Part] = []
    var roundOpen = false
    var flush: HandlerFlush?
    var handlerQueue = HandlerQueue()
    var awaiting: Awaiting?

    public init(sections: [CompiledBlock], handlers: [CompiledTask], hosts: [String], settings: Settings,
                bookkeeping: FailureBookkeeping = FailureBookkeeping(), traits: @escaping (String) -> ModuleTraits) {
        self.sections = sections
        self.handlers = handlers
        self.settings = settings
        self.traits = traits
        self.hosts = PlayHosts(all: hosts)
        self.bookkeeping = bookkeeping
        self.batches = SerialBatches.split(hosts, serial: settings.serial)
    }

    /// The run was interrupted: the scheduler winds down at the points Ansible checks
    /// (before a lockstep round, before each handler, before a batch).
    public mutating func interrupt() {
        interrupted = true
    }

    public mutating func nextDecision(evaluating flag: FlagEvaluator) -> SchedulerDecision {
        precondition(awaiting == nil, "the previous decision has not been reported")
        while true {
            if flush != nil, let decision = nextHandler() { return decision }
            switch stage {
            case .finished:
                return .endPlay
            case .betweenBatches:
                if playEnded || interrupted || batchIndex + 1 >= batches.count {
                    stage = .finished
                    continue
                }
                batchIndex += 1
                let batch = batches[batchIndex]
                hosts.batch = batch
                hosts.active = OrderedSet(batch)
                for host in batch { bookkeeping.touch(host) }
                sectionIndex = -1
                stage = .betweenSections
                return .startBatch(hosts: batch, index: batchIndex)
            case .betweenSections:
                sectionIndex += 1
                guard sectionIndex < sections.count else {
                    if let decision = endBatch() { return decision }
                    continue
                }
                guard !sections[sectionIndex].isEmpty else { continue }
                iterators = [:]
                for host in hosts.active { iterators[host] = HostIterator(section: sections[sectionIndex]) }
                stage = .rounds
            case .rounds:
                if !round.isEmpty { return hand(round.removeFirst(), flag: flag) }
                if roundOpen {
                    roundOpen = false
                    if let decision = checkFailureLimits() { return decision }
                }
                if !interrupted && !playEnded {
                    round = LockstepRound.next(active: hosts.active, iterators: &iterators)
                    if !round.isEmpty {
                        roundOpen = true
                        continue
                    }
                }
                // The section is over; hosts that left it through failure are no longer active.
                for (host, it) in iterators where it.hostFailed { markFailed(host) }
                flush = HandlerFlush(eligible: flushEligible())
                stage = .afterSection
            case .afterSection:
                if playEnded || interrupted || hosts.active.isEmpty {
                    if let decision = endBatch() { return decision }
                } else {
                    stage = .betweenSections
                }
            }
        }
    }

    /// Turns one part of a lockstep round into a decision.
    private mutating func hand(_ part: LockstepRound.Part, flag: FlagEvaluator) -> SchedulerDecision {
        switch part.step {
        case .include(let include, let key):
            awaiting = .include(hosts: part.hosts, key: key)
            return .expandInclude(include, hosts: part.hosts)
        case .task(let task, _):
            let traits = self.traits(task.task.module)
            if traits.performedByStrategy {
                let action = MetaAction(task: task)
                awaiting = .meta(action, hosts: part.hosts)
                return .meta(task, action, hosts: part.hosts)
            }
            let once = task.keywords.runOnce.map { flag($0, task, part.hosts[0], hosts) } ?? false
            let bypass = once || traits.bypassesHostLoop
            awaiting = .task(hosts: part.hosts, once: bypass)
            return .runTask(task, hosts: part.hosts, once: bypass)
        case .done:
            preconditionFailure("a lockstep round never holds finished hosts")
        }
    }

    private mutating func endBatch() -> SchedulerDecision? {
        if hosts.active.isEmpty && !playEnded && !interrupted {
            // Every host of the batch failed: later batches do not run.
            stage = .finished
            return batchIndex < batches.count - 1 ? .noMoreHosts : nil
        }
        stage = .betweenBatches
        return nil
    }

    // MARK: Failures

    mutating func markFailed(_ host: String) {
        bookkeeping.failed.insert(host)
        hosts.active.remove(host)
    }

    /// After each lockstep round: hosts whose iterator failed leave, and `max_fail_percentage`
    /// (strictly more than the limit, over the batch) ends the play.
    private mutating func checkFailureLimits() -> SchedulerDecision? {
        for (host, it) in iterators where it.hostFailed && hosts.active.contains(host) { markFailed(host) }
        guard let limit = settings.maxFailPercentage, !hosts.batch.isEmpty else { return nil }
        let failed = hosts.batch.filter { bookkeeping.isGone($0) }.count
        guard Double(failed) / Double(hosts.batch.count) * 100 > limit else { return nil }
        playEnded = true
        return .maxFailPercentageExceeded(limit: limit, failed: failed, batchSize: hosts.batch.count)
    }

    // MARK: Handlers

    /// The active hosts, and with `force_handlers` the batch's failed hosts too.
    func flushEligible() -> [String] {
        var eligible = Array(hosts.active)
        if settings.forceHandlers {
            eligible += hosts.batch.filter { bookkeeping.failed.contains($0) && !eligible.contains($0) }
        }
        return eligible
    }

    private mutating func nextHandler() -> SchedulerDecision? {
        guard var current = flush else { return nil }
        while current.nextHandler < handlers.count && !interrupted {
            let handler = handlers[current.nextHandler]
            current.nextHandler += 1
            let targets = handlerQueue.take(current.nextHandler - 1, eligible: current.eligible)
            guard !targets.isEmpty else { continue }
            flush = current
            awaiting = .handler(hosts: targets)
            return .runHandler(handler, hosts: targets)
        }
        flush = nil
        return nil
    }
}
