import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayInventory
import PlayLanguage
import PlayTemplating

/// One play of a run: host selection, serial batches, sections in lockstep, handlers, meta tasks.
struct PlayRun {
    let executor: PlaybookExecutor
    let compiled: CompiledPlay
    let state: RunState
    let pool: ConnectionPool
    let interrupt: InterruptFlag
    let resources: RunResources

    private var playVars: OrderedDictionary<String, Value> = [:]
    private var varsFilesVars: OrderedDictionary<String, Value> = [:]
    private var playHosts: [String] = []
    private var batch: [String] = []
    /// Hosts of the current batch still running the play.
    private var active: OrderedSet<String> = []
    private var notified: [String: OrderedSet<String>] = [:]
    private var playEnded = false
    private let hostvarsCache = HostvarsCache()
    /// Roles each host included with `include_role: {public: true}`: their defaults and vars
    /// are visible to the host's later tasks.
    private var publicIncludedRoles: [String: [RoleScope]] = [:]

    init(executor: PlaybookExecutor, compiled: CompiledPlay, state: RunState, pool: ConnectionPool,
         interrupt: InterruptFlag, resources: RunResources) {
        self.executor = executor
        self.compiled = compiled
        self.state = state
        self.pool = pool
        self.interrupt = interrupt
        self.resources = resources
    }

    private var play: Play { compiled.play }

    /// Every host of the play failed or was unreachable: ansible-playbook then runs no further play.
    var allHostsFailed: Bool {
        !playHosts.isEmpty && playHosts.allSatisfy { state.failedHosts.contains($0) || state.unreachableHosts.contains($0) }
    }
    private var events: any EventSink { executor.events }
    private var templar: Templar { executor.templar }
    private var options: RunOptions { executor.options }

    mutating func run() async {
        playVars = play.vars
        let headerVars = TaskVariables(layers: [playVars, options.extraVars])
        let name = (try? templar.renderString(play.displayName, headerVars).renderedString) ?? play.displayName
        let checkMode = play.checkMode ?? options.checkMode
        events.emit(.playStarted(PlayInfo(name: name, hostPattern: play.hosts, index: compiled.index, checkMode: checkMode)))

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
            varsFilesVars = try loadVarsFiles(headerVars)
        } catch {
            events.emit(.warning("\(error)"))
            for host in playHosts { markFailed(host) }
            return
        }

        let batches = SerialBatches.split(playHosts, serial: play.serial)
        for (index, hosts) in batches.enumerated() {
            if playEnded || interrupt.isRaised { break }
            if index > 0 {
                events.emit(.playStarted(PlayInfo(name: name, hostPattern: play.hosts, index: compiled.index,
                                                  checkMode: checkMode)))
            }
            batch = hosts
            active = OrderedSet(hosts)
            for host in hosts { state.touch(host) }
            for section in compiled.sections where !section.isEmpty {
                await runSection(section)
                await flushHandlers(for: Array(active))
                if playEnded || interrupt.isRaised || active.isEmpty { break }
            }
            if active.isEmpty && !playEnded && !interrupt.isRaised {
                if index < batches.count - 1 { events.emit(.noMoreHosts) }
                break
            }
        }
    }

    // MARK: Lockstep over a section

    private mutating func runSection(_ section: CompiledBlock) async {
        var iterators: [String: HostIterator] = [:]
        for host in active { iterators[host] = HostIterator(section: section) }
        while !interrupt.isRaised && !playEnded {
            var steps: [(host: String, step: HostIterator.Step)] = []
            for host in active {
                let step = iterators[host]!.next()
                if case .done = step { continue }
                steps.append((host, step))
            }
            guard let minKey = steps.map({ key(of: $0.step) }).min() else { break }
            let group = steps.filter { key(of: $0.step) == minKey }
            // Hosts at the same position normally share the task; included files may differ per host.
            var partitions: OrderedDictionary<SourceLocation, [(host: String, step: HostIterator.Step)]> = [:]
            for entry in group { partitions[location(of: entry.step), default: []].append(entry) }
            for part in partitions.values {
                switch part[0].step {
                case .include(let include, let key):
                    await runInclude(include, key: key, hosts: part.map(\.host), iterators: &iterators)
                case .task(let task, _):
                    await runTaskStep(task, hosts: part.map(\.host), iterators: &iterators, kind: .task)
                case .done:
                    break
                }
            }
            checkFailureLimits(&iterators)
        }
        // Hosts that left through failure are no longer active.
        for (host, it) in iterators where it.hostFailed { markFailed(host) }
    }

    private func location(of step: HostIterator.Step) -> SourceLocation {
        switch step {
        case .task(let t, _): return t.task.location
        case .include(let i, _): return i.include.location
        case .done: return .synthetic("done")
        }
    }

    private func key(of step: HostIterator.Step) -> StepKey {
        switch step {
        case .task(_, let key), .include(_, let key): return key
        case .done: return StepKey([Int.max])
        }
    }

    private mutating func runTaskStep(_ task: CompiledTask, hosts: [String], iterators: inout [String: HostIterator],
                                      kind: TaskInfo.Kind) async {
        let traits = executor.modules.spec(named: task.task.module)?.traits ?? .remote
        if traits.performedByStrategy {
            await runMeta(task, hosts: hosts, iterators: &iterators)
            return
        }
        let runOnce = (try? flag(task.keywords.runOnce, host: hosts[0], task: task)) ?? false
            || traits.bypassesHostLoop
        let targets = runOnce ? [hosts[0]] : hosts
        events.emit(.taskStarted(TaskInfo(name: task.displayName, kind: kind, location: task.task.location,
                                          checkMode: options.checkMode)))
        let outcomes = await runOnHosts(task, hosts: targets, kind: kind)
        for host in hosts {
            guard var outcome = outcomes[runOnce ? hosts[0] : host] else { continue }
            outcome.host = host
            apply(outcome, countStats: !runOnce || host == hosts[0], iterator: &iterators[host]!)
        }
    }

    /// Runs one task on several hosts at once, at most `forks` at a time.
    private func runOnHosts(_ task: CompiledTask, hosts: [String], kind: TaskInfo.Kind) async -> [String: HostTaskOutcome] {
        let runner = makeRunner()
        let inputs = hosts.map { ($0, variables(for: $0, task: task)) }
        var outcomes: [String: HostTaskOutcome] = [:]
        await withTaskGroup(of: HostTaskOutcome.self) { group in
            var next = 0
            let forks = max(1, options.forks)
            while next < inputs.count && next < forks {
                let (host, vars) = inputs[next]
                group.addTask { await runner.run(task, host: host, variables: vars, kind: kind) }
                next += 1
            }
            while let outcome = await group.next() {
                outcomes[outcome.host] = outcome
                if next < inputs.count {
                    let (host, vars) = inputs[next]
                    group.addTask { await runner.run(task, host: host, variables: vars, kind: kind) }
                    next += 1
                }
            }
        }
        return outcomes
    }

    /// Applies one host's outcome: counters, registered results, facts, notifications, new hosts,
    /// and the host's position in its iterator.
    private mutating func apply(_ outcome: HostTaskOutcome, countStats: Bool, iterator: inout HostIterator) {
        let host = outcome.host
        hostvarsCache.snapshot = nil
        if let name = outcome.registerName { state.facts[host, default: [:]][name] = outcome.result.asValue }
        if !outcome.facts.isEmpty { state.facts[host, default: [:]].merge(outcome.facts) { _, new in new } }
        for name in outcome.notify { notified[host, default: []].append(name) }
        if !outcome.newHosts.isEmpty || !outcome.newGroups.isEmpty {
            for h in outcome.newHosts { state.inventory.addHost(h.name, groups: h.groups, variables: h.variables) }
            for g in outcome.newGroups {
                state.inventory.addGroup(g.name, parents: g.parents, variables: [:])
                state.inventory.addHost(host, groups: [g.name], variables: [:])
            }
            state.inventoryChanged()
        }
        if outcome.unreachable {
            state.stats[host, default: HostStats()].unreachable += 1
            state.unreachableHosts.insert(host)
            iterator.end()
            active.remove(host)
            return
        }
        if countStats {
            var s = state.stats[host, default: HostStats()]
            if outcome.ignored {
                s.ok += 1
                s.ignored += 1
                if outcome.result.changed { s.changed += 1 }
            } else if !outcome.failed {
                switch outcome.status {
                case .skipped: s.skipped += 1
                case .changed: s.ok += 1; s.changed += 1
                default: s.ok += 1
                }
            }
            state.stats[host] = s
        }
        if outcome.failed {
            switch iterator.complete(failed: true) {
            case .rescued?:
                state.stats[host, default: HostStats()].rescued += 1
                // What a rescue section may inspect, as in Ansible.
                state.facts[host, default: [:]]["ansible_failed_result"] = outcome.result.asValue
                state.facts[host, default: [:]]["ansible_failed_task"] = outcome.taskSummary
            default: state.stats[host, default: HostStats()].failed += 1
            }
            if iterator.hostFailed { markFailed(host) }
            if outcome.failed && anyErrorsFatal(outcome) { endBatchForFatalError() ; iterator.end() }
        } else {
            iterator.complete(failed: false)
        }
    }

    private func anyErrorsFatal(_ outcome: HostTaskOutcome) -> Bool {
        play.anyErrorsFatal ?? false
    }

    private mutating func endBatchForFatalError() {
        playEnded = true
    }

    private mutating func markFailed(_ host: String) {
        state.failedHosts.insert(host)
        active.remove(host)
    }

    /// `max_fail_percentage` and all-hosts-failed end the play for the batch.
    private mutating func checkFailureLimits(_ iterators: inout [String: HostIterator]) {
        for (host, it) in iterators where it.hostFailed && active.contains(host) { markFailed(host) }
        guard let limit = play.maxFailPercentage, !batch.isEmpty else { return }
        let failed = batch.filter { state.failedHosts.contains($0) || state.unreachableHosts.contains($0) }.count
        if Double(failed) / Double(batch.count) * 100 > limit {
            events.emit(.warning("max_fail_percentage \(limit)% exceeded (\(failed) of \(batch.count) hosts failed): ending the play"))
            playEnded = true
        }
    }

    // MARK: include_tasks

    private mutating func runInclude(_ include: CompiledInclude, key: StepKey, hosts: [String],
                                     iterators: inout [String: HostIterator]) async {
        events.emit(.taskStarted(TaskInfo(name: include.displayName, kind: .include, location: include.include.location)))
        // (path, item label) -> hosts, in the order Ansible prints "included:" lines.
        var loaded: OrderedDictionary<[String?], [String]> = [:]
        for host in hosts {
            let vars = variables(for: host, blockVars: include.blockVars, taskVars: include.include.vars,
                                 roleDefaults: include.childContext.roleDefaults, roleParams: include.childContext.roleParams)
            do {
                if let falseCondition = try include.conditions.first(where: { !(try templar.condition($0.expression, vars)) }) {
                    events.emit(.hostResult(HostResult(host: host, task: include.displayName, status: .skipped,
                        result: TaskResult(["changed": false, "false_condition": .string(falseCondition.expression),
                                            "skip_reason": "Conditional result was False", "skipped": true]),
                        module: "include_tasks")))
                    state.stats[host, default: HostStats()].skipped += 1
                    iterators[host]!.expand([], key: key)
                    continue
                }
                var items: [CompiledItem] = []
                let loopItems: [Value?]
                if let loop = include.include.loop {
                    loopItems = try LoopItems.items(try templar.render(loop, vars), kind: include.include.loopKind,
                                                    baseDirectory: include.include.directory)
                } else {
                    loopItems = [nil]
                }
                let loopVar = include.include.loopControl?.loopVar ?? "item"
                for (itemIndex, item) in loopItems.enumerated() {
                    var extra = include.include.vars
                    var itemVars = vars
                    if let item {
                        extra[loopVar] = item
                        itemVars = vars.adding([loopVar: item])
                    }
                    let file = try templar.renderString(include.include.file, itemVars).renderedString
                    if include.include.role != nil {
                        // include_role: Ansible's "included:" line names the role.
                        let roleItems = try executor.includedRole(include, vars: itemVars, params: extra, selection: options.selection,
                                                                  firstID: executor.playbook.nodeCount + itemIndex * 100_000)
                        items += roleItems
                        if include.include.role?.isPublic == true {
                            publicIncludedRoles[host, default: []] += roleItems.compactMap(\.includedRole)
                        }
                        loaded[[file, item?.renderedString], default: []].append(host)
                        state.stats[host, default: HostStats()].ok += 1
                        continue
                    }
                    var context = include.childContext
                    context.blockVars.append(extra)
                    let path = executor.compiler.resolveIncludePath(file, context: context)
                    items += try executor.compiler.compileTasksFile(path: path, from: include.include.location,
                                                                    inheriting: context, selection: options.selection,
                                                                    firstID: executor.playbook.nodeCount + itemIndex * 100_000)
                    let shown = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
                    loaded[[shown, item?.renderedString], default: []].append(host)
                    state.stats[host, default: HostStats()].ok += 1
                }
                iterators[host]!.expand(items, key: key)
            } catch {
                events.emit(.hostResult(HostResult(host: host, task: include.displayName, status: .failed,
                    result: .failed("\(error)"), module: "include_tasks", location: include.include.location)))
                if iterators[host]!.complete(failed: true) == .rescued {
                    state.stats[host, default: HostStats()].rescued += 1
                } else {
                    state.stats[host, default: HostStats()].failed += 1
                }
            }
        }
        for (key, hosts) in loaded { events.emit(.included(path: key[0] ?? "", hosts: hosts, item: key[1])) }
    }

    // MARK: Handlers

    private mutating func flushHandlers(for hosts: [String]) async {
        var eligible = hosts
        if options.forceHandlers || play.forceHandlers == true {
            eligible += batch.filter { state.failedHosts.contains($0) && !eligible.contains($0) }
        }
        for handler in compiled.handlers {
            if interrupt.isRaised { return }
            let names = Set([handler.task.name].compactMap { $0 } + handler.task.listen)
            let targets = eligible.filter { host in
                guard let n = notified[host] else { return false }
                return n.contains { names.contains($0) }
            }
            guard !targets.isEmpty else { continue }
            for host in targets { notified[host]?.removeAll { names.contains($0) } }
            events.emit(.taskStarted(TaskInfo(name: handler.displayName, kind: .handler, location: handler.task.location)))
            let outcomes = await runOnHosts(handler, hosts: targets, kind: .handler)
            for host in targets {
                guard let outcome = outcomes[host] else { continue }
                var it = HostIterator(items: [])
                apply(outcome, countStats: true, iterator: &it)
                if outcome.failed { markFailed(host) }
            }
        }
    }

    // MARK: meta

    private mutating func runMeta(_ task: CompiledTask, hosts: [String], iterators: inout [String: HostIterator]) async {
        let action = task.task.args["_raw_params"]?.renderedString.trimmingCharacters(in: .whitespaces) ?? "noop"
        var applies: [String] = []
        for host in hosts {
            // Ansible runs meta tasks host by host, each with its own banner.
            events.emit(.taskStarted(TaskInfo(name: task.displayName, kind: .task, location: task.task.location)))
            let vars = variables(for: host, task: task)
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
            iterators[host]!.complete(failed: false)
        }
        guard !applies.isEmpty else { return }
        switch action {
        case "flush_handlers":
            await flushHandlers(for: Array(active))
        case "end_play":
            playEnded = true
        case "end_batch":
            for host in active { iterators[host]?.end() }
        case "end_host":
            for host in applies {
                iterators[host]?.end()
                active.remove(host)
            }
        case "clear_host_errors":
            for host in batch where state.failedHosts.contains(host) {
                state.failedHosts.remove(host)
            }
        default:
            break // noop, refresh_inventory, clear_facts: nothing to do for us
        }
    }

    // MARK: Variables

    private func loadVarsFiles(_ vars: TaskVariables) throws -> OrderedDictionary<String, Value> {
        var merged: OrderedDictionary<String, Value> = [:]
        for entry in play.varsFiles {
            let candidates = (entry.listValue ?? [entry]).map { $0.renderedString }
            var loadedOne = false
            for candidate in candidates {
                let file = try templar.renderString(candidate, vars).renderedString
                let path = file.hasPrefix("/") ? file : (play.directory as NSString).appendingPathComponent(file)
                guard FileManager.default.fileExists(atPath: path) else { continue }
                let value = try executor.loader.loadValue(path: path, from: play.location)
                guard case .dict(let d) = value else {
                    if value.isNull { loadedOne = true; break }
                    throw Diagnostic.error(at: play.location, "vars file '\(path)' must contain a dictionary of variables")
                }
                merged.merge(d) { _, new in new }
                loadedOne = true
                break
            }
            if !loadedOne {
                throw Diagnostic.error(at: play.location, "vars file \(candidates.joined(separator: ", ")) was not found",
                                       notes: ["paths are relative to the playbook's directory \(play.directory)"])
            }
        }
        return merged
    }

    func variables(for host: String, task: CompiledTask) -> TaskVariables {
        variables(for: host, blockVars: task.blockVars, taskVars: task.task.vars,
                  roleDefaults: task.roleDefaults, roleParams: task.roleParams)
    }

    /// Ansible's precedence, lowest first: magic vars, inventory (group < host), play vars,
    /// vars_files, block vars, task vars, facts and registered results, extra vars.
    /// Roles add layers: defaults (the play's static roles', then the task's roles') right above
    /// the magic vars, below inventory; the static roles' vars above vars_files (the task's own
    /// role vars are among `blockVars`); role parameters above facts.
    func variables(for host: String, blockVars: [OrderedDictionary<String, Value>],
                   taskVars: OrderedDictionary<String, Value>, roleDefaults: [OrderedDictionary<String, Value>] = [],
                   roleParams: [OrderedDictionary<String, Value>] = []) -> TaskVariables {
        var layers: [OrderedDictionary<String, Value>] = [magicVariables(for: host)]
        let included = publicIncludedRoles[host] ?? []
        layers += compiled.publicRoleDefaults + included.map(\.defaults) + roleDefaults
        layers += [state.inventoryVariables(host), playVars, varsFilesVars]
        layers += compiled.publicRoleVars + included.map(\.vars)
        layers += blockVars
        layers.append(taskVars)
        var raw: Set<Int> = []
        if let facts = state.facts[host] {
            raw.insert(layers.count)
            layers.append(facts)
        }
        layers += roleParams
        layers.append(options.extraVars)
        return TaskVariables(layers: layers, rawLayers: raw, hostvars: hostvarsSnapshot())
    }

    /// One `hostvars` snapshot per state of the run: rebuilt lazily after facts or inventory change.
    private func hostvarsSnapshot() -> HostvarsSnapshot {
        if let current = hostvarsCache.snapshot { return current }
        let inventory = state.inventory
        let facts = state.facts
        let snapshot = HostvarsSnapshot { HostvarsSource.build(inventory: inventory, facts: facts) }
        hostvarsCache.snapshot = snapshot
        return snapshot
    }

    private func magicVariables(for host: String) -> OrderedDictionary<String, Value> {
        let groups = state.inventory.groupMembership()
        var magic: OrderedDictionary<String, Value> = [
            "inventory_hostname": .string(host),
            "inventory_hostname_short": .string(String(host.split(separator: ".").first ?? Substring(host))),
            "group_names": .list(state.inventory.groups(of: host).map(Value.string)),
            "groups": .dict(groups.mapValues { .list($0.map(Value.string)) }),
            "play_hosts": .list(active.map(Value.string)),
            "ansible_play_hosts": .list(active.map(Value.string)),
            "ansible_play_hosts_all": .list(playHosts.map(Value.string)),
            "ansible_play_batch": .list(batch.map(Value.string)),
            "ansible_play_name": .string(play.displayName),
            "playbook_dir": .string(play.directory),
            "ansible_check_mode": .bool(play.checkMode ?? options.checkMode),
            "ansible_diff_mode": .bool(options.diffMode),
            "ansible_verbosity": .int(options.verbosity),
            "ansible_forks": .int(options.forks),
            "ansible_run_tags": .list((options.selection.tags.isEmpty ? ["all"] : options.selection.tags).map(Value.string)),
            "ansible_skip_tags": .list(options.selection.skipTags.map(Value.string)),
            "ansible_version": ["full": "2.19.0", "major": 2, "minor": 19, "revision": 0, "string": "2.19.0"],
            "omit": .string(Templar.omitToken),
        ]
        if play.connection != nil || options.connection != nil {
            magic["ansible_connection"] = .string(options.connection ?? play.connection!)
        }
        if let user = options.remoteUser ?? play.remoteUser { magic["ansible_user"] = .string(user) }
        if let key = options.privateKeyFile { magic["ansible_ssh_private_key_file"] = .string(key) }
        return magic
    }

    private func flag(_ value: Value?, host: String, task: CompiledTask) throws -> Bool {
        guard let value else { return false }
        return ValueCoercion.bool(try templar.render(value, variables(for: host, task: task))) ?? false
    }

    // MARK: Connections

    private func makeRunner() -> TaskRunner {
        let pool = self.pool
        let templar = self.templar
        let environment = options.environment
        let inventory = state.inventory
        let facts = state.facts
        return TaskRunner(
            modules: executor.modules, templar: templar, options: options, events: events, resources: resources,
            playbookDirectory: play.directory,
            connect: { target, vars in
                let settingsVars: OrderedDictionary<String, Value>
                if target == vars.lookup("inventory_hostname")?.stringValue {
                    settingsVars = try ConnectionVariables.render(from: vars, templar: templar)
                } else {
                    // delegate_to: the delegated host's own connection variables.
                    var own = inventory.variables(for: target)
                    own.merge(facts[target] ?? [:]) { _, new in new }
                    settingsVars = try ConnectionVariables.render(from: TaskVariables(layers: [own]), templar: templar)
                }
                let settings = ConnectionSettings.from(hostName: target, variables: settingsVars, environment: environment)
                return try await pool.connection(for: target, settings: settings)
            })
    }
}

/// Builds `hostvars` (every host's inventory variables and facts) when a template first asks for it.
enum HostvarsSource {
    static func build(inventory: Inventory, facts: [String: OrderedDictionary<String, Value>]) -> Value {
        var all: OrderedDictionary<String, Value> = [:]
        for host in inventory.hostNames {
            var vars = inventory.variables(for: host)
            vars["inventory_hostname"] = .string(host)
            vars["group_names"] = .list(inventory.groups(of: host).map(Value.string))
            vars.merge(facts[host] ?? [:]) { _, new in new }
            all[host] = .dict(vars)
        }
        for (host, f) in facts where all[host] == nil { all[host] = .dict(f) }
        return .dict(all)
    }
}

/// Holds the current `hostvars` snapshot of a play; cleared whenever facts or inventory change.
final class HostvarsCache {
    var snapshot: HostvarsSnapshot?
}
