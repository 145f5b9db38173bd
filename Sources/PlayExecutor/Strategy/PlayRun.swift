import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayInventory
import PlayLanguage
import PlayTemplating

/// One play of a run: selects the hosts, then performs what the `PlayScheduler` decides (runs
/// tasks and handlers, loads included files, emits events) and reports the results back.
struct PlayRun {
    let executor: PlaybookExecutor
    let compiled: CompiledPlay
    let state: RunState
    let interrupt: InterruptFlag
    let runners: RunnerFactory

    var variables: PlayVariables
    private var playHosts: [String] = []

    init(executor: PlaybookExecutor, compiled: CompiledPlay, state: RunState, pool: ConnectionPool,
         interrupt: InterruptFlag, resources: RunResources) {
        self.executor = executor
        self.compiled = compiled
        self.state = state
        self.interrupt = interrupt
        self.runners = RunnerFactory(executor: executor, play: compiled.play, state: state, pool: pool, resources: resources)
        self.variables = PlayVariables(compiled: compiled, options: executor.options, state: state)
    }

    var play: Play { compiled.play }

    /// Every host of the play failed or was unreachable: ansible-playbook then runs no further play.
    var allHostsFailed: Bool {
        !playHosts.isEmpty && playHosts.allSatisfy { state.failedHosts.contains($0) || state.unreachableHosts.contains($0) }
    }
    var events: any EventSink { executor.events }
    var templar: Templar { executor.templar }
    var options: RunOptions { executor.options }

    mutating func run() async {
        guard await askForPromptedVars() else { return }
        let headerVars = variables.headerVariables
        let name = (try? templar.renderString(play.displayName, headerVars).renderedString) ?? play.displayName
        let header = PlayInfo(name: name, hostPattern: play.hosts, index: compiled.index,
                              checkMode: play.checkMode ?? options.checkMode, location: play.location)
        events.emit(.playStarted(header))

        let pattern = (try? templar.renderString(play.hosts, headerVars).renderedString) ?? play.hosts
        do {
            let matched = try state.inventory.hosts(matching: pattern, limit: options.limit)
            playHosts = Inventory.order(matched, by: play.order ?? "inventory")
        } catch {
            events.emit(.warning("Could not match supplied host pattern '\(pattern)': \(error)"))
            playHosts = []
        }
        let gone = state.failedHosts.union(state.unreachableHosts)
        playHosts.removeAll { gone.contains($0) }
        if playHosts.isEmpty {
            events.emit(.noHostsMatched(pattern: pattern))
            return
        }
        do {
            try variables.loadVarsFiles(templar: templar, loader: executor.loader)
        } catch {
            events.emit(.warning("\(error)"))
            state.failedHosts.formUnion(playHosts)
            return
        }

        let modules = executor.modules
        let settings = PlayScheduler.Settings(serial: play.serial, anyErrorsFatal: play.anyErrorsFatal ?? options.anyErrorsFatal,
                                              maxFailPercentage: play.maxFailPercentage,
                                              forceHandlers: options.forceHandlers || play.forceHandlers == true)
        let sections = (factGatheringSection().map { [$0] } ?? []) + compiled.sections
        var scheduler = PlayScheduler(
            sections: sections, handlers: compiled.handlers, hosts: playHosts, settings: settings,
            bookkeeping: FailureBookkeeping(stats: state.stats, failed: state.failedHosts, unreachable: state.unreachableHosts),
            traits: { modules.traits(named: $0) ?? .remote })
        await perform(&scheduler, header: header)
        state.stats = scheduler.bookkeeping.stats
        state.failedHosts = scheduler.bookkeeping.failed
        state.unreachableHosts = scheduler.bookkeeping.unreachable
    }

    /// `vars_prompt`, before anything of the play is shown (the host pattern may use the answers).
    /// False when a variable could not be had: the run stops.
    private mutating func askForPromptedVars() async -> Bool {
        guard !play.varsPrompt.isEmpty else { return true }
        do {
            let answers = try await VarsPrompter(terminal: executor.terminal, extraVars: options.extraVars)
                .answers(for: play.varsPrompt)
            for warning in answers.warnings { events.emit(.warning(warning)) }
            variables.promptedVars = answers.values
            variables.unsafePromptedVars = answers.unsafeValues
            return true
        } catch is CancellationError {
            return false
        } catch {
            events.emit(.warning("\(error)"))
            state.aborted = true
            return false
        }
    }

    /// The performing loop: asks for a decision, carries it out, reports, until the play ends.
    private mutating func perform(_ scheduler: inout PlayScheduler, header: PlayInfo) async {
        while true {
            if interrupt.isRaised { scheduler.interrupt() }
            // The evaluator reads `self` in place: a copy of the play's variables per decision costs more than the decision.
            let decision = scheduler.nextDecision { flag, task, host, hosts in
                guard let value = try? self.templar.render(flag, self.variables.variables(for: host, task: task, hosts: hosts)) else {
                    return false
                }
                return ValueCoercion.bool(value) ?? false
            }
            switch decision {
            case .startBatch(_, let index):
                if index > 0 { events.emit(.playStarted(header)) }
            case .runTask(let task, let hosts, let once):
                events.emit(.taskStarted(TaskInfo(name: bannerName(task, host: hosts[0], hosts: scheduler.hosts), kind: .task,
                                                  location: task.task.location, checkMode: options.checkMode,
                                                  module: task.task.module, args: task.task.args,
                                                  noLog: Self.literalNoLog(task), id: "\(task.id)")))
                let targets = once ? [hosts[0]] : hosts
                let outcomes = await run(task, on: targets, hosts: scheduler.hosts, kind: .task)
                var applied: [String: HostTaskOutcome] = [:]
                for host in hosts {
                    guard var outcome = outcomes[once ? hosts[0] : host] else { continue }
                    outcome.host = host
                    record(outcome, task)
                    applied[host] = outcome
                }
                let rescued = scheduler.report(targets.compactMap { outcomes[$0].map(HostReport.init) })
                for host in rescued {
                    guard let outcome = applied[host] else { continue }
                    // What a rescue section may inspect, as in Ansible.
                    state.facts[host, default: [:]]["ansible_failed_result"] =
                        (outcome.noLog ? TaskRunner.censor(outcome.result) : outcome.result).asValue
                    state.facts[host, default: [:]]["ansible_failed_task"] = TaskRunner.summary(of: task)
                }
            case .runHandler(let handler, let hosts) where handler.include != nil:
                scheduler.report(await runIncludedHandler(handler.include!, hosts: hosts, playHosts: scheduler.hosts))
            case .runHandler(let handler, let hosts):
                events.emit(.taskStarted(TaskInfo(name: bannerName(handler, host: hosts[0], hosts: scheduler.hosts),
                                                  kind: .handler, location: handler.task.location,
                                                  module: handler.task.module, args: handler.task.args,
                                                  noLog: Self.literalNoLog(handler), id: "\(handler.id)")))
                let outcomes = await run(handler, on: hosts, hosts: scheduler.hosts, kind: .handler)
                for host in hosts { if let outcome = outcomes[host] { record(outcome, handler) } }
                scheduler.report(hosts.compactMap { outcomes[$0].map(HostReport.init) })
            case .expandInclude(let include, let hosts):
                let results = expand(include, hosts: hosts, playHosts: scheduler.hosts)
                scheduler.reportInclude(results)
            case .meta(let task, _, let hosts):
                scheduler.reportMeta(applied: evaluateMeta(task, hosts: hosts, playHosts: scheduler.hosts))
            case .maxFailPercentageExceeded(let limit, let failed, let batchSize):
                events.emit(.warning("max_fail_percentage \(limit)% exceeded (\(failed) of \(batchSize) hosts failed): ending the play"))
            case .noMoreHosts:
                events.emit(.noMoreHosts)
            case .endPlay:
                return
            }
        }
    }

    /// `no_log` written as a plain boolean: what the callbacks that see the task before any host
    /// (junit's test case names) may know of it; a templated value counts as hidden.
    static func literalNoLog(_ task: CompiledTask) -> Bool {
        guard let value = task.keywords.noLog else { return false }
        return ValueCoercion.bool(value) ?? true
    }

    /// A templated task name is shown rendered with the first host's variables, as Ansible's
    /// linear strategy does; a part that fails (a variable only set later) shows its error. An
    /// unnamed task shows its module as written, a templated one (`{{ m }}`) included.
    func bannerName(_ task: CompiledTask, host: String, hosts: PlayHosts) -> String {
        let name = task.displayName
        guard name.contains("{{"), !(task.task.name ?? "").isEmpty else { return name }
        return templar.renderLeniently(name, variables.variables(for: host, task: task, hosts: hosts))
    }

    func run(_ task: CompiledTask, on targets: [String], hosts: PlayHosts,
                     kind: TaskInfo.Kind) async -> [String: HostTaskOutcome] {
        let inputs = targets.map { (host: $0, variables: variables.variables(for: $0, task: task, hosts: hosts)) }
        return await runners.run(task, on: inputs, kind: kind)
    }

    /// What one host's outcome changes outside the scheduler: registered results, facts, and
    /// hosts or groups added to the inventory.
    func record(_ outcome: HostTaskOutcome, _ task: CompiledTask) {
        let host = outcome.host
        variables.invalidateHostvars()
        if let name = outcome.registerName {
            // Ansible strips its internal `_ansible_*` keys from what `register` keeps.
            state.facts[host, default: [:]][name] = .dict(outcome.result.values.filter { !$0.key.hasPrefix("_ansible") })
        }
        if !outcome.facts.isEmpty {
            switch executor.modules.traits(named: task.task.module)?.factsPrecedence ?? .variables {
            case .hostFacts:
                state.hostFacts[host] = HostFacts.merging(outcome.facts, into: state.hostFacts[host] ?? [:])
            case .includedVariables:
                state.includedVariables[host, default: [:]].merge(outcome.facts) { _, new in new }
            case .variables:
                state.facts[host, default: [:]].merge(outcome.facts) { _, new in new }
                // `set_fact cacheable: true`: also a real fact, under `ansible_facts` and in hostvars.
                if outcome.result["_ansible_facts_cacheable"]?.isTruthy == true {
                    state.hostFacts[host] = HostFacts.merging(outcome.facts, into: state.hostFacts[host] ?? [:])
                }
            }
        }
        if !outcome.newHosts.isEmpty || !outcome.newGroups.isEmpty {
            for h in outcome.newHosts { state.inventory.addHost(h.name, groups: h.groups, variables: h.variables) }
            for g in outcome.newGroups {
                state.inventory.addGroup(g.name, parents: g.parents, variables: [:])
                state.inventory.addHost(host, groups: [g.name], variables: [:])
            }
            state.inventoryChanged()
        }
    }

    /// Ansible runs meta tasks host by host, each with its own banner; returns the hosts whose
    /// conditions held.
    private func evaluateMeta(_ task: CompiledTask, hosts: [String], playHosts: PlayHosts) -> [String] {
        var applies: [String] = []
        for host in hosts {
            events.emit(.taskStarted(TaskInfo(name: task.displayName, kind: .task, location: task.task.location)))
            let vars = variables.variables(for: host, task: task, hosts: playHosts)
            var falseCondition: String?
            for c in task.conditions where !((try? templar.condition(c.expression, vars)) ?? false) {
                falseCondition = c.expression
                break
            }
            if let falseCondition {
                events.emit(.hostResult(HostResult(host: host, task: task.displayName, status: .skipped,
                    result: TaskResult(["changed": false, "false_condition": .string(falseCondition),
                                        "skip_reason": "Conditional result was False", "skipped": true]),
                    module: task.task.module)))
            } else {
                applies.append(host)
            }
        }
        return applies
    }
}
