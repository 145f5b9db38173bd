import PlayBase
import PlayLanguage

extension TaskRunner {
    /// One host's result as an event: censored under no_log, with what the renderer must know
    /// of the module (its traits) and how long the task took.
    func emit(_ outcome: HostTaskOutcome, _ compiled: CompiledTask, host: String, item: String?, summary: Bool,
                      noLog: Bool, delegate: String?, showsDiff: Bool = false, started: ContinuousClock.Instant) {
        let shown = noLog ? Self.censor(outcome.result) : outcome.result
        let elapsed = ContinuousClock.now - started
        let traits = modules.traits(named: compiled.task.module) ?? .remote
        var hostResult = HostResult(
            host: host, task: compiled.displayName, status: outcome.status, result: shown,
            itemLabel: noLog && item != nil ? "None" : item, isLoopSummary: summary, ignored: outcome.ignored,
            delegatedTo: delegate == host ? nil : delegate.map(delegateLabel), module: compiled.task.module,
            display: traits.display, runsOnController: traits.runsOnController,
            durationSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            location: compiled.task.location, failure: outcome.failure, showsDiff: showsDiff)
        hostResult.commandOutput = traits.commandOutput
        events.emit(.hostResult(hostResult))
    }
}
