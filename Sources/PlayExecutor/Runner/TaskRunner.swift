import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayLanguage
import PlayTemplating

/// Runs one compiled task on one host: conditions, loops, argument rendering and checking, the
/// module call with retries/until, failed_when/changed_when, ignore_errors and no_log.
/// It returns an outcome and emits result events; it never touches shared run state.
struct TaskRunner: Sendable {
    var modules: ModuleRegistry
    var templar: Templar
    var options: RunOptions
    var events: any EventSink
    var resources: RunResources
    var playbookDirectory: String
    /// Opens (or reuses) the connection to a host, given the variables of the task.
    var connect: @Sendable (_ host: String, _ variables: TaskVariables) async throws -> any Connection
    /// How a delegated host shows in results: `h2(10.0.0.2)` when its `ansible_host` differs from
    /// its name, as Ansible labels `[h1 -> h2(10.0.0.2)]`.
    var delegateLabel: @Sendable (_ delegate: String) -> String = { $0 }

    /// `ansible_failed_task` for a rescue: the task's name, action, arguments and location. Made
    /// only when a rescue takes a failure over, not for every result.
    static func summary(of compiled: CompiledTask) -> Value {
        ["name": .string(compiled.task.name ?? ""), "action": .string(compiled.task.module),
         "args": .dict(compiled.task.args), "path": .string(compiled.task.location.description)]
    }

    func run(_ written: CompiledTask, host: String, variables: TaskVariables, kind: TaskInfo.Kind) async -> HostTaskOutcome {
        var compiled = written
        let task = written.task
        let started = ContinuousClock.now
        var noLog = false
        var ignoreErrors = false
        var delegate: String?
        do {
            compiled = try resolvingTemplatedModule(written, variables)
            let task = compiled.task
            noLog = try flag(compiled.keywords.noLog, variables)
            ignoreErrors = try flag(compiled.keywords.ignoreErrors, variables)
            if let d = compiled.keywords.delegateTo {
                delegate = try templar.render(d, variables).renderedString
            }
            let ignoreUnreachable = try flag(compiled.keywords.ignoreUnreachable, variables)
            // As in Ansible: a loop item's diff shows in the task's diff mode, a task's own in
            // either the task's or the run's.
            let taskDiff = try compiled.keywords.diff.map { try flag($0, variables) } ?? options.diffMode

            var outcome: HostTaskOutcome
            if let loop = task.loop {
                outcome = try await runLoop(compiled, loop: loop, host: host, variables: variables, delegate: delegate,
                                            noLog: noLog, ignoreErrors: ignoreErrors, showsDiff: taskDiff, started: started)
            } else {
                if let falseCondition = try firstFalse(compiled.conditions, variables) {
                    outcome = skippedOutcome(host: host, compiled, falseCondition: falseCondition)
                } else {
                    let result = try await execute(compiled, host: host, variables: variables, delegate: delegate, noLog: noLog)
                    outcome = finish(result, host: host, compiled, ignoreErrors: ignoreErrors)
                }
                emit(outcome, compiled, host: host, item: nil, summary: false, noLog: noLog, delegate: delegate,
                     showsDiff: taskDiff || options.diffMode, started: started)
            }
            if outcome.unreachable && ignoreUnreachable {
                outcome.unreachable = false
                outcome.failed = false
                outcome.ignored = true
            }
            outcome.noLog = noLog
            return outcome
        } catch {
            let failure = Self.failure(error, task: compiled)
            var result = TaskResult.failed(failure.description)
            // Ansible's own task failures say only what went wrong.
            if failure.isTaskLevel { result.values.removeValue(forKey: "changed") }
            var outcome = HostTaskOutcome(host: host, status: .failed, result: result, failed: !ignoreErrors,
                                          ignored: ignoreErrors, unreachable: false, registerName: task.register)
            outcome.failure = failure
            // Refused credentials and host keys are unreachable-class too, as in Ansible.
            if case .connection(let connectionError) = failure, connectionError.isUnreachable {
                outcome.status = .unreachable
                outcome.unreachable = true
                outcome.result["unreachable"] = true
                outcome.failed = true
                outcome.ignored = false
            }
            emit(outcome, compiled, host: host, item: nil, summary: false, noLog: noLog, delegate: delegate,
                 started: started)
            outcome.noLog = noLog
            return outcome
        }
    }

    // MARK: Loops

    private func runLoop(_ compiled: CompiledTask, loop: Value, host: String, variables: TaskVariables,
                         delegate: String?, noLog: Bool, ignoreErrors: Bool, showsDiff: Bool,
                         started: ContinuousClock.Instant) async throws -> HostTaskOutcome {
        let task = compiled.task
        let rendered = try templar.render(loop, variables)
        let items: [Value]
        do {
            items = try LoopItems.items(rendered, kind: task.loopKind, baseDirectory: task.directory) { plugin, terms in
                try templar.loopQuery(plugin, terms: terms, action: task.module, variables)
            }
        } catch let failure as LoopItems.Failure {
            throw TaskFailure.badLoop(message: failure.message, at: task.location)
        }
        let control = task.loopControl
        let loopVar = control?.loopVar ?? "item"
        var results: [Value] = []
        var anyChanged = false, anyFailed = false, allSkipped = true
        var facts: OrderedDictionary<String, Value> = [:]
        var notify: [String] = []
        var newHosts: [HostAddition] = []
        var newGroups: [GroupAddition] = []
        for (index, item) in items.enumerated() {
            var layer: OrderedDictionary<String, Value> = [loopVar: item, "ansible_loop_var": .string(loopVar)]
            if let indexVar = control?.indexVar { layer[indexVar] = .int(index) }
            if control?.extended.map(\.isTruthy) == true {
                var loop: OrderedDictionary<String, Value> = [
                    "allitems": .list(items), "index": .int(index + 1), "index0": .int(index), "first": .bool(index == 0),
                    "last": .bool(index == items.count - 1), "length": .int(items.count),
                    "revindex": .int(items.count - index), "revindex0": .int(items.count - index - 1)]
                if control?.extendedAllItems.map(\.isTruthy) == false { loop.removeValue(forKey: "allitems") }
                if index + 1 < items.count { loop["nextitem"] = items[index + 1] }
                if index > 0 { loop["previtem"] = items[index - 1] }
                layer["ansible_loop"] = .dict(loop)
            }
            // Facts an earlier item set (set_fact accumulating over a loop) are seen by the next
            // items, as in Ansible.
            let itemVars = (facts.isEmpty ? variables : variables.adding(facts)).adding(layer)
            let label = try control?.label.map { try templar.render($0, itemVars).renderedString } ?? item.renderedString
            var outcome: HostTaskOutcome
            if let falseCondition = try firstFalse(compiled.conditions, itemVars) {
                outcome = skippedOutcome(host: host, compiled, falseCondition: falseCondition)
            } else {
                let result = try await execute(compiled, host: host, variables: itemVars, delegate: delegate, noLog: noLog)
                outcome = finish(result, host: host, compiled, ignoreErrors: ignoreErrors)
                allSkipped = false
            }
            outcome.result[loopVar] = item
            outcome.result["ansible_loop_var"] = .string(loopVar)
            if let indexVar = control?.indexVar {
                outcome.result[indexVar] = .int(index)
                outcome.result["ansible_index_var"] = .string(indexVar)
            }
            if outcome.unreachable { throw ConnectionError.unreachable(host: host, message: outcome.result.message ?? "unreachable") }
            anyChanged = anyChanged || outcome.result.changed
            anyFailed = anyFailed || outcome.result.failed
            facts.merge(outcome.facts) { _, new in new }
            notify += outcome.notify
            newHosts += outcome.newHosts
            newGroups += outcome.newGroups
            results.append(outcome.result.asValue)
            emit(outcome, compiled, host: host, item: label, summary: false, noLog: noLog, delegate: delegate,
                 showsDiff: showsDiff, started: started)
            if let pause = control?.pause.flatMap(ValueCoercion.double), pause > 0 {
                try await Task.sleep(for: .milliseconds(Int(pause * 1000)))
            }
        }
        // The loop's own result has Ansible's keys: `skipped` always, `msg` except for an empty
        // loop (which says why in `skipped_reason`), `failed` only when an item failed.
        var summary = TaskResult(["changed": .bool(anyChanged)])
        if anyFailed {
            summary.failed = true
            summary.message = "One or more items failed"
            summary["skipped"] = false
        } else if items.isEmpty {
            summary["skipped"] = true
            summary["skipped_reason"] = "No items in the list"
        } else if allSkipped {
            summary["skipped"] = true
            summary.message = "All items skipped"
        } else {
            summary.message = "All items completed"
            summary["skipped"] = false
        }
        summary["results"] = .list(results)
        let status: TaskStatus = anyFailed ? .failed : (allSkipped ? .skipped : (anyChanged ? .changed : .ok))
        var outcome = HostTaskOutcome(host: host, status: status, result: summary, failed: anyFailed && !ignoreErrors,
                                      ignored: anyFailed && ignoreErrors, unreachable: false,
                                      registerName: compiled.task.register)
        outcome.facts = facts
        outcome.notify = anyChanged ? compiled.notify : []
        outcome.newHosts = newHosts
        outcome.newGroups = newGroups
        emit(outcome, compiled, host: host, item: nil, summary: true, noLog: noLog, delegate: delegate, started: started)
        return outcome
    }

    // MARK: One module call

    /// Renders and checks the arguments, then runs the module, honouring retries/until and
    /// changed_when/failed_when.
    private func execute(_ compiled: CompiledTask, host: String, variables: TaskVariables, delegate: String?,
                         noLog: Bool) async throws -> TaskResult {
        let task = compiled.task
        guard let module = modules.module(named: task.module) else {
            throw TaskFailure.unknownModule(task.module, at: task.moduleLocation)
        }
        let taskVars = variables
        let spec = module.spec
        let args = try checkedArguments(compiled, spec: spec, taskVars)
        let checkMode = try compiled.keywords.checkMode.map { try flag($0, taskVars) } ?? options.checkMode
        let diffMode = try compiled.keywords.diff.map { try flag($0, taskVars) } ?? options.diffMode
        let become = try compiled.keywords.become.map { try flag($0, taskVars) } ?? options.become ?? false
        let becomeUser = try compiled.keywords.becomeUser.map { try templar.render($0, taskVars).renderedString }
            ?? options.becomeUser
        var environment: [String: String] = [:]
        for env in compiled.keywords.environment {
            for (k, v) in try templar.render(env, taskVars).dictValue ?? [:] { environment[k] = v.renderedString }
        }
        let target = delegate ?? host
        let connect = self.connect
        let progressSink = events
        let taskName = compiled.displayName
        let started = ContinuousClock.now
        let asyncSettings = try asyncSettings(task, taskVars)
        let direct: @Sendable () async throws -> any Connection = { try await connect(target, taskVars) }
        let (connectTarget, jobs) = try jobConnection(asyncSettings, spec: spec, direct: direct, checkMode: checkMode,
                                                      task: task, host: host, taskName: taskName)
        var context = ModuleContext(
            args: args, host: host, targetHost: target, checkMode: checkMode, diffMode: diffMode,
            verbosity: options.verbosity, variables: taskVars, templar: templar, environment: environment,
            become: become, becomeUser: becomeUser, taskDirectory: task.directory,
            playbookDirectory: playbookDirectory, location: task.location, run: resources,
            connect: connectTarget,
            report: { message in
                let elapsed = ContinuousClock.now - started
                progressSink.emit(.progress(host: host, task: taskName, message: message,
                                            elapsedSeconds: Double(elapsed.components.seconds)
                                                + Double(elapsed.components.attoseconds) / 1e18))
            })
        if spec.traits.supportsAsync { context.asyncJob = asyncSettings.map { AsyncJobRequest(seconds: $0.seconds) } }

        let attempts: Int
        if task.until != nil {
            let retries = try task.retries.map { try templar.render($0, taskVars) }.flatMap(ValueCoercion.int) ?? 3
            attempts = max(1, retries + 1)
        } else {
            attempts = 1
        }
        let delay = try task.delay.map { try templar.render($0, taskVars) }.flatMap(ValueCoercion.double) ?? 5
        var result = TaskResult()
        for attempt in 1...attempts {
            if let jobs {
                result = try await runAsJobs(module, context, jobs: jobs, seconds: asyncSettings?.seconds ?? 0,
                                            task: compiled.displayName)
            } else {
                result = try await module.run(context)
            }
            if let asyncSettings, asyncSettings.poll > 0, jobs == nil {
                result = try await waitForJob(result, asyncSettings, context, task: compiled.displayName)
            }
            // Every result of a module that ran says whether it changed and failed, as Ansible's
            // do: `results | map(attribute='failed')` relies on it.
            if result["changed"] == nil { result.changed = false }
            if result["failed"] == nil { result.failed = false }
            try applyChangedAndFailedWhen(&result, compiled, taskVars)
            guard let until = task.until else { break }
            result["attempts"] = .int(attempt)
            result["retries"] = .int(attempts)
            var untilVars = taskVars
            if let name = task.register { untilVars = untilVars.adding([name: result.asValue]) }
            if try templar.condition(until.expression, untilVars) { break }
            if attempt == attempts {
                // Ansible reports one attempt fewer once retries run out; users' checks rely on it.
                result["attempts"] = .int(attempts - 1)
                result.failed = true
                if result.message == nil { result.message = "Retries exhausted" }
                break
            }
            events.emit(.retrying(host: host, task: compiled.displayName, retriesLeft: attempts - attempt,
                                  result: noLog ? Self.censor(result) : result, display: spec.traits.display))
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
        }
        return result
    }

    private func applyChangedAndFailedWhen(_ result: inout TaskResult, _ compiled: CompiledTask, _ vars: TaskVariables) throws {
        let task = compiled.task
        guard !task.changedWhen.isEmpty || !task.failedWhen.isEmpty else { return }
        var resultVars = vars.adding(result.values)
        if let name = task.register { resultVars = resultVars.adding([name: result.asValue]) }
        if !task.changedWhen.isEmpty {
            result.changed = try task.changedWhen.allSatisfy { try templar.condition($0.expression, resultVars) }
        }
        if !task.failedWhen.isEmpty {
            let failed = try task.failedWhen.contains { try templar.condition($0.expression, resultVars) }
            result.failed = failed
            result["failed_when_result"] = .bool(failed)
        }
    }

    // MARK: Helpers

    private func finish(_ result: TaskResult, host: String, _ compiled: CompiledTask, ignoreErrors: Bool) -> HostTaskOutcome {
        let status: TaskStatus = result.unreachable ? .unreachable
            : result.failed ? .failed : result.skipped ? .skipped : result.changed ? .changed : .ok
        var outcome = HostTaskOutcome(
            host: host, status: status, result: result,
            failed: (result.failed && !ignoreErrors) || result.unreachable,
            ignored: result.failed && ignoreErrors && !result.unreachable, unreachable: result.unreachable,
            registerName: compiled.task.register)
        if case .dict(let facts)? = result["ansible_facts"] { outcome.facts = facts }
        outcome.newHosts = result.addedHosts
        outcome.newGroups = result.addedGroups
        if result.changed && !result.failed { outcome.notify = compiled.notify }
        return outcome
    }

    private func skippedOutcome(host: String, _ compiled: CompiledTask, falseCondition: String) -> HostTaskOutcome {
        let result = TaskResult(["changed": false, "false_condition": .string(falseCondition),
                                 "skip_reason": "Conditional result was False", "skipped": true])
        return HostTaskOutcome(host: host, status: .skipped, result: result, failed: false, ignored: false,
                               unreachable: false, registerName: compiled.task.register)
    }

    private func firstFalse(_ conditions: [Condition], _ vars: TaskVariables) throws -> String? {
        for c in conditions where !(try templar.condition(c.expression, vars)) { return c.expression }
        return nil
    }

    private func flag(_ value: Value?, _ vars: TaskVariables) throws -> Bool {
        guard let value else { return false }
        return ValueCoercion.bool(try templar.render(value, vars)) ?? false
    }

    /// Renders the arguments one by one and checks them against the spec, so that a failure
    /// names the argument and where it is written.
    private func checkedArguments(_ compiled: CompiledTask, spec: ModuleSpec,
                                  _ vars: TaskVariables) throws -> OrderedDictionary<String, Value> {
        let task = compiled.task
        var rendered: OrderedDictionary<String, Value> = [:]
        var written = task.args
        if let template = task.argsTemplate {
            let value: Value
            do { value = try templar.render(template, vars) } catch {
                throw TaskFailure.argumentTemplate(error, argument: "args", task: compiled.displayName, at: task.location)
            }
            guard case .dict(let mapping) = value else {
                throw TaskFailure.diagnostic(.error(at: task.location,
                    "The value of the task `args` keyword is invalid: '\(template.renderedString)' gave a \(value.typeName), not a mapping"))
            }
            for (k, v) in mapping where written[k] == nil { written[k] = v }
        }
        let args = ModuleDefaults.arguments(written, levels: compiled.keywords.moduleDefaults, spec: spec)
        rendered.reserveCapacity(args.count)
        for (key, value) in args {
            do {
                if Templar.containsTemplate(key) {
                    // As a one-entry mapping: a templated key renders and an omitted value drops, as in the whole.
                    for (k, v) in try templar.render(.dict([key: value]), vars).dictValue ?? [:] { rendered[k] = v }
                } else {
                    let v = try templar.render(value, vars)
                    // A value rendered to `omit` drops, as in a mapping; one written as it is stays.
                    if case .string(Templar.omitToken) = v, v != value { continue }
                    rendered[key] = v
                }
            } catch {
                throw TaskFailure.argumentTemplate(error, argument: key, task: compiled.displayName,
                                                   at: task.argumentLocations[key] ?? task.moduleLocation)
            }
        }
        do {
            return try ArgumentChecker.checked(rendered, against: spec)
        } catch {
            // The problem names the spec's argument; the user may have written one of its aliases.
            let written = error.argument.flatMap { name in
                (spec.argument(named: name).map { [$0.name] + $0.aliases } ?? [name])
                    .first { task.argumentLocations[$0] != nil }
            }
            throw TaskFailure.badArgument(error, argument: written,
                                          at: written.flatMap { task.argumentLocations[$0] } ?? task.moduleLocation)
        }
    }

    /// The typed failure for an error the module did not report in its result.
    private static func failure(_ error: any Error, task: CompiledTask) -> TaskFailure {
        switch error {
        case let e as TaskFailure: return e
        case let e as ConnectionError: return .connection(e)
        case let e as TemplateError: return .template(e, task: task.displayName, at: task.task.location)
        case let e as Diagnostic: return .diagnostic(e)
        default: return .module(error, task: task.displayName, at: task.task.location)
        }
    }
}
