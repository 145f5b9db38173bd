import PlayLanguage

/// What the play's run loop is to do next. The loop performs it (I/O, events) and reports back
/// to the scheduler; the scheduler never performs anything itself.
public indirect enum SchedulerDecision: Sendable {
    /// A `serial` batch starts (index 0 is the first; later ones repeat the play banner).
    case startBatch(hosts: [String], index: Int)
    /// Run a task on `hosts`; with `once`, on the first host only, its result applying to all.
    /// Report with `report(_:)`.
    case runTask(CompiledTask, hosts: [String], once: Bool)
    /// Evaluate and load an `include_tasks` for each host. Report with `reportInclude(_:)`.
    case expandInclude(CompiledInclude, hosts: [String])
    /// Run a notified handler on `hosts`. Report with `report(_:)`.
    case runHandler(CompiledTask, hosts: [String])
    /// A `meta` task: the loop evaluates its conditions host by host and reports the hosts it
    /// applies to with `reportMeta(applied:)`.
    case meta(CompiledTask, MetaAction, hosts: [String])
    /// Too many hosts of the batch failed; the play ends (the loop warns).
    case maxFailPercentageExceeded(limit: Double, failed: Int, batchSize: Int)
    /// Every host of a batch failed while more batches were due.
    case noMoreHosts
    /// The play is over.
    case endPlay
}

/// How one host's `include_tasks` went.
public enum IncludeResult: Sendable {
    /// A false condition: nothing loaded.
    case skipped
    /// The items loaded, one list per loop item (one list without a loop).
    case loaded([[CompiledItem]])
    /// Loading failed after `loadedBefore` loop items had loaded.
    case failed(loadedBefore: Int)
}
