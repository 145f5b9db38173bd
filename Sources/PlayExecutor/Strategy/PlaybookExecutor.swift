import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayInventory
import PlayLanguage
import PlayTemplating

/// Runs a compiled playbook with the linear strategy: task by task across a batch of hosts, the
/// hosts of one step in parallel (bounded by forks), each host walking its own `HostIterator`.
public struct PlaybookExecutor: Sendable {
    public var playbook: CompiledPlaybook
    public var modules: ModuleRegistry
    public var compiler: PlaybookCompiler
    public var loader: YAMLLoader
    /// Where `vars_prompt` asks (the controlling terminal; a pseudo-terminal in tests).
    public var terminal: TerminalPrompt = .system
    public var templar: Templar
    public var options: RunOptions
    public var events: any EventSink
    /// When several playbooks run as one (`play a.yml b.yml`): the indexes in `playbook.plays` of
    /// the plays that end a playbook before the last. Ansible prints the (cumulative) recap there.
    public var playbookEnds: Set<Int> = []

    public init(playbook: CompiledPlaybook, modules: ModuleRegistry, compiler: PlaybookCompiler, loader: YAMLLoader,
                templar: Templar, options: RunOptions, events: any EventSink) {
        self.playbook = playbook
        self.modules = modules
        self.compiler = compiler
        self.loader = loader
        self.templar = templar
        self.options = options
        self.events = events
    }

    public func run(inventory: Inventory, pool: ConnectionPool, interrupt: InterruptFlag) async -> RunOutcome {
        let state = RunState(inventory: inventory)
        let resources = RunResources(loader: loader)
        events.emit(.playbookStarted(path: playbook.path))
        for (index, compiled) in playbook.plays.enumerated() {
            if interrupt.isRaised { break }
            var play = PlayRun(executor: self, compiled: compiled, state: state, pool: pool, interrupt: interrupt,
                               resources: resources)
            await play.run()
            if play.allHostsFailed || state.aborted { break }
            if playbookEnds.contains(index), !interrupt.isRaised { events.emit(.recap(state.stats.map { ($0.key, $0.value) })) }
        }
        if interrupt.isRaised {
            state.interrupted = true
            events.emit(.interrupted)
        }
        let outcome = RunOutcome(stats: state.stats, interrupted: state.interrupted,
                                 anyFailed: !state.failedHosts.isEmpty || state.aborted,
                                 anyUnreachable: !state.unreachableHosts.isEmpty)
        for warning in await resources.finish(outcome) { events.emit(.warning(warning)) }
        events.emit(.recap(state.stats.map { ($0.key, $0.value) }))
        return outcome
    }
}

/// What lasts across the plays of one run: inventory (grown by add_host), facts and registered
/// results, the recap counters, hosts that failed. Only the strategy loop touches it, between steps.
final class RunState {
    var inventory: Inventory
    var facts: [String: OrderedDictionary<String, Value>] = [:]
    /// Gathered facts (`setup`) per host, as variables: `ansible_<name>` plus `ansible_facts` (`HostFacts`).
    var hostFacts: [String: OrderedDictionary<String, Value>] = [:]
    /// Variables from `include_vars` per host: above task vars, below `set_fact` and registered results.
    var includedVariables: [String: OrderedDictionary<String, Value>] = [:]
    var stats: OrderedDictionary<String, HostStats> = [:]
    var failedHosts: Set<String> = []
    var unreachableHosts: Set<String> = []
    var interrupted = false
    /// The run stopped before a play could start (a `vars_prompt` variable could not be had).
    var aborted = false
    private var inventoryVarsCache: [String: OrderedDictionary<String, Value>] = [:]

    init(inventory: Inventory) {
        self.inventory = inventory
    }

    func inventoryVariables(_ host: String) -> OrderedDictionary<String, Value> {
        if let cached = inventoryVarsCache[host] { return cached }
        let vars = inventory.variables(for: host)
        inventoryVarsCache[host] = vars
        return vars
    }

    /// Counts changes to the inventory, so caches built from it know when they are stale.
    private(set) var inventoryGeneration = 0

    func inventoryChanged() {
        inventoryVarsCache.removeAll()
        inventoryGeneration += 1
    }

    func touch(_ host: String) {
        if stats[host] == nil { stats[host] = HostStats() }
    }
}
