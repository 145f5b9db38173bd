import OrderedCollections
import PlayBase
import PlayConnection
import PlayInventory
import PlayLanguage
import PlayTemplating

/// Builds the `TaskRunner` of a step, with connections from the run's pool, and runs a task on
/// several hosts at once.
struct RunnerFactory {
    let executor: PlaybookExecutor
    let play: Play
    let state: RunState
    let pool: ConnectionPool
    let resources: RunResources

    func makeRunner() -> TaskRunner {
        let pool = self.pool
        let templar = executor.templar
        let options = executor.options
        let environment = options.environment
        let inventory = state.inventory
        let facts = state.facts
        return TaskRunner(
            modules: executor.modules, templar: templar, options: options, events: executor.events, resources: resources,
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
                let settings = ConnectionSettings.from(hostName: target, variables: settingsVars, environment: environment,
                                                       defaults: options.connectionDefaults)
                return try await pool.connection(for: target, settings: settings)
            },
            delegateLabel: { delegate in
                let own = inventory.variables(for: delegate)
                guard let address = (facts[delegate]?["ansible_host"] ?? own["ansible_host"])?.stringValue,
                      address != delegate, !address.contains("{{") else { return delegate }
                return "\(delegate)(\(address))"
            })
    }

    /// Runs one task on each (host, variables) input, at most `forks` at a time.
    func run(_ task: CompiledTask, on inputs: [(host: String, variables: TaskVariables)],
             kind: TaskInfo.Kind) async -> [String: HostTaskOutcome] {
        let runner = makeRunner()
        if inputs.count == 1 {
            // One host: it runs in this task, with no child task to start and wait for.
            let outcome = await runner.run(task, host: inputs[0].host, variables: inputs[0].variables, kind: kind)
            return [outcome.host: outcome]
        }
        var outcomes: [String: HostTaskOutcome] = [:]
        await withTaskGroup(of: HostTaskOutcome.self) { group in
            var next = 0
            let forks = max(1, executor.options.forks)
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
}
