import OrderedCollections
import PlayBase
import PlayLanguage

/// One step of the linear strategy across hosts: the hosts whose next step has the lowest
/// `StepKey` go together, split by the step's source location (hosts that included different
/// files at the same point run one file's task after the other).
struct LockstepRound {
    struct Part {
        var step: HostIterator.Step
        var hosts: [String]
    }

    static func next(active: OrderedSet<String>, iterators: inout [String: HostIterator]) -> [Part] {
        var steps: [(host: String, step: HostIterator.Step)] = []
        for host in active {
            let step = iterators[host]!.next()
            if case .done = step { continue }
            steps.append((host, step))
        }
        // One host left: its step is the whole round.
        if steps.count == 1 { return [Part(step: steps[0].step, hosts: [steps[0].host])] }
        guard let minKey = steps.map({ key(of: $0.step) }).min() else { return [] }
        var parts: OrderedDictionary<SourceLocation, Part> = [:]
        for entry in steps where key(of: entry.step) == minKey {
            parts[location(of: entry.step), default: Part(step: entry.step, hosts: [])].hosts.append(entry.host)
        }
        return Array(parts.values)
    }

    private static func location(of step: HostIterator.Step) -> SourceLocation {
        switch step {
        case .task(let t, _): return t.task.location
        case .include(let i, _): return i.include.location
        case .done: return .synthetic("done")
        }
    }

    private static func key(of step: HostIterator.Step) -> StepKey {
        switch step {
        case .task(_, let key), .include(_, let key): return key
        case .done: return StepKey([Int.max])
        }
    }
}
