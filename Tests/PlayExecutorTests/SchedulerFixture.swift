import XCTest
import PlayBase
import PlayLanguage
@testable import PlayExecutor

/// Builds compiled plays by hand and drives a `PlayScheduler` against a scripted world, writing
/// down every decision as one line, so tests compare exact sequences without any I/O.
struct SchedulerFixture {
    private var nextID = 0

    /// What the scripted world answers. Sets hold a task name (every host) or "task@host".
    struct World {
        var failing: Set<String> = []
        var ignored: Set<String> = []
        var unreachable: Set<String> = []
        var changed: Set<String> = []
        /// Task or handler name -> what it notifies (on every host it runs on).
        var notify: [String: [String]] = [:]
        /// Meta tasks whose condition is false on a host ("meta@host").
        var metaSkips: Set<String> = []
        /// Include name -> host -> what it loads, one list per loop item; absent: loads nothing.
        var includes: [String: [String: [[CompiledItem]]]] = [:]
        var includeSkips: Set<String> = []
        var includeFailures: Set<String> = []
        /// Interrupt the run once this task has run.
        var interruptAfter: String?

        func has(_ set: Set<String>, _ name: String, _ host: String) -> Bool {
            set.contains(name) || set.contains("\(name)@\(host)")
        }
    }

    mutating func id() -> Int {
        nextID += 1
        return nextID
    }

    mutating func compiledTask(_ name: String, module: String = "debug", rawParams: String? = nil,
                               runOnce: Bool? = nil, listen: [String] = []) -> CompiledTask {
        let n = id()
        let loc = SourceLocation(file: "t.yml", line: n, column: 1)
        var t = PlaybookTask(name: name, module: module, moduleLocation: loc, location: loc)
        if let rawParams { t.args["_raw_params"] = .string(rawParams) }
        t.listen = listen
        var keywords = EffectiveKeywords()
        if let runOnce { keywords.runOnce = .bool(runOnce) }
        return CompiledTask(id: n, task: t, tags: [], conditions: [], blockVars: [], keywords: keywords, notify: [],
                            displayName: name)
    }

    mutating func task(_ name: String, module: String = "debug", runOnce: Bool? = nil) -> CompiledItem {
        .task(compiledTask(name, module: module, runOnce: runOnce))
    }

    mutating func meta(_ action: String) -> CompiledItem {
        .task(compiledTask(action, module: "meta", rawParams: action))
    }

    mutating func handler(_ name: String, listen: [String] = []) -> CompiledTask {
        compiledTask(name, listen: listen)
    }

    mutating func include(_ name: String) -> CompiledItem {
        let n = id()
        let loc = SourceLocation(file: "t.yml", line: n, column: 1)
        return .include(CompiledInclude(id: n, include: IncludeTasks(file: "\(name).yml", fileLocation: loc, location: loc),
                                        tags: [], conditions: [], blockVars: [], keywords: EffectiveKeywords(),
                                        displayName: name,
                                        childContext: InheritedContext(directory: ".", playbookDirectory: ".")))
    }

    mutating func block(_ body: [CompiledItem], rescue: [CompiledItem] = [], always: [CompiledItem] = []) -> CompiledBlock {
        let n = id()
        return CompiledBlock(id: n, body: body, rescue: rescue, always: always,
                             location: SourceLocation(file: "t.yml", line: n, column: 1))
    }

    /// `meta` is performed by the strategy, `add_host` bypasses the host loop, as their specs say.
    static func traits(_ module: String) -> ModuleTraits {
        switch module {
        case "meta": return ModuleTraits(performedByStrategy: true)
        case "add_host": return ModuleTraits(runsOnController: true, bypassesHostLoop: true)
        default: return .remote
        }
    }

    static func scheduler(_ sections: [CompiledBlock], handlers: [CompiledTask] = [], hosts: [String],
                          settings: PlayScheduler.Settings = .init(),
                          bookkeeping: FailureBookkeeping = FailureBookkeeping()) -> PlayScheduler {
        PlayScheduler(sections: sections, handlers: handlers, hosts: hosts, settings: settings, bookkeeping: bookkeeping,
                      traits: traits)
    }

    /// Runs the scheduler to the end of the play; returns one line per decision.
    static func drive(_ scheduler: inout PlayScheduler, _ world: World = World()) -> [String] {
        var log: [String] = []
        var interrupted = false
        while log.count < 200 {
            if interrupted { scheduler.interrupt() }
            let decision = scheduler.nextDecision { flag, _, _, _ in flag.boolValue ?? false }
            switch decision {
            case .startBatch(let hosts, let index):
                log.append("batch \(index): \(hosts.joined(separator: ","))")
            case .runTask(let task, let hosts, let once):
                let name = task.displayName
                log.append("task \(name)\(once ? " once" : ""): \(hosts.joined(separator: ","))")
                let targets = once ? [hosts[0]] : hosts
                scheduler.report(targets.map { report(name, host: $0, world) })
                if world.interruptAfter == name { interrupted = true }
            case .runHandler(let handler, let hosts):
                log.append("handler \(handler.displayName): \(hosts.joined(separator: ","))")
                scheduler.report(hosts.map { report(handler.displayName, host: $0, world) })
            case .expandInclude(let include, let hosts):
                let name = include.displayName
                log.append("include \(name): \(hosts.joined(separator: ","))")
                scheduler.reportInclude(hosts.map { host in
                    if world.has(world.includeSkips, name, host) { return (host, .skipped) }
                    if world.has(world.includeFailures, name, host) { return (host, .failed(loadedBefore: 0)) }
                    return (host, .loaded(world.includes[name]?[host] ?? [[]]))
                })
            case .meta(let task, _, let hosts):
                log.append("meta \(task.displayName): \(hosts.joined(separator: ","))")
                scheduler.reportMeta(applied: hosts.filter { !world.has(world.metaSkips, task.displayName, $0) })
            case .maxFailPercentageExceeded(let limit, let failed, let batchSize):
                log.append("max_fail_percentage \(limit): \(failed) of \(batchSize)")
            case .noMoreHosts:
                log.append("no more hosts")
            case .endPlay:
                log.append("end")
                return log
            }
        }
        XCTFail("runaway scheduler: \(log.suffix(5))")
        return log
    }

    static func report(_ name: String, host: String, _ world: World) -> HostReport {
        let failed = world.has(world.failing, name, host)
        let ignored = world.has(world.ignored, name, host)
        let changed = world.has(world.changed, name, host)
        return HostReport(host: host, status: failed || ignored ? .failed : changed ? .changed : .ok, changed: changed,
                          failed: failed && !ignored, ignored: ignored,
                          unreachable: world.has(world.unreachable, name, host), notify: world.notify[name] ?? [])
    }
}

/// Recap counters as [ok, changed, unreachable, failed, skipped, rescued, ignored].
func counters(_ scheduler: PlayScheduler, _ host: String) -> [Int] {
    guard let s = scheduler.bookkeeping.stats[host] else { return [] }
    return [s.ok, s.changed, s.unreachable, s.failed, s.skipped, s.rescued, s.ignored]
}
