import Foundation
import OrderedCollections
import Synchronization
import PlayBase

/// ansible.posix's `json` stdout callback: nothing while the run goes, then at the recap one JSON
/// document of plays (name, id, path, duration), their tasks with each host's result (plus
/// `action`, and `failed`/`skipped` flags), the per-host stats and the custom stats.
public final class PosixJSONRenderer: EventRenderer {
    /// The callback's `json_indent` (0 or less: one line).
    public let indent: Int
    private let clock: @Sendable () -> Date
    private let state = Mutex(State())

    struct State {
        var plays: [OrderedDictionary<String, Value>] = []
        var tasks: [OrderedDictionary<String, Value>] = []
        var module = ""
    }

    public init(indent: Int = 4, clock: @escaping @Sendable () -> Date = Date.init) {
        self.indent = indent
        self.clock = clock
    }

    public func render(_ event: PlayEvent) -> String {
        let now = Self.timestamp(clock())
        return state.withLock { s in
            switch event {
            case .playStarted(let info):
                s.flushPlay()
                s.plays.append(["play": ["name": .string(info.name), "id": .string("play-\(info.index)"),
                                         "path": .string(info.location.map(Self.path) ?? ""),
                                         "duration": ["start": .string(now)]],
                                "tasks": .list([])])
            case .taskStarted(let info):
                guard !s.plays.isEmpty else { return "" }
                s.module = info.module
                s.tasks.append(["task": ["name": .string(info.name), "id": .string(info.id),
                                         "path": .string(info.location.map(Self.path) ?? ""),
                                         "duration": ["start": .string(now)]],
                                "hosts": .dict([:])])
            case .hostResult(let r):
                guard !s.tasks.isEmpty, r.itemLabel == nil || r.isLoopSummary else { return "" }
                // The callback sees a result before its registered form adds `failed: false`.
                var values = ResultDump.loopSummaryTrimmed(r)
                if values["failed"] == .bool(false) { values.removeValue(forKey: "failed") }
                switch r.status {
                case .failed: values["failed"] = true
                case .skipped: values["skipped"] = true
                default: break
                }
                values["action"] = .string(r.module)
                let last = s.tasks.count - 1
                if case .dict(var hosts) = s.tasks[last]["hosts"] {
                    hosts[r.host] = .dict(values)
                    s.tasks[last]["hosts"] = .dict(hosts)
                }
                s.tasks[last]["task"] = Self.ending(s.tasks[last]["task"], at: now)
                s.plays[s.plays.count - 1]["play"] = Self.ending(s.plays[s.plays.count - 1]["play"], at: now)
            case .recap(let rows):
                s.flushPlay()
                var stats: OrderedDictionary<String, Value> = [:]
                for (host, h) in rows.sorted(by: { $0.host < $1.host }) {
                    stats[host] = ["ok": .int(h.ok), "changed": .int(h.changed), "unreachable": .int(h.unreachable),
                                   "failures": .int(h.failed), "skipped": .int(h.skipped), "rescued": .int(h.rescued),
                                   "ignored": .int(h.ignored)]
                }
                let document: Value = ["plays": .list(s.plays.map(Value.dict)), "stats": .dict(stats),
                                       "custom_stats": .dict([:]), "global_custom_stats": .dict([:])]
                return document.jsonString(sortKeys: true, pretty: indent > 0, indent: indent) + "\n"
            case .interrupted:
                return "[ERROR]: User interrupted execution\n"
            default:
                break
            }
            return ""
        }
    }

    /// `file:line`, as Ansible's `get_path()`.
    static func path(_ loc: SourceLocation) -> String {
        HumanRenderer.absolute(loc).file + ":\(loc.line)"
    }

    static func ending(_ entry: Value?, at time: String) -> Value {
        guard case .dict(var d)? = entry, case .dict(var duration)? = d["duration"] else { return entry ?? .null }
        duration["end"] = .string(time)
        d["duration"] = .dict(duration)
        return .dict(d)
    }

    /// ISO 8601 in UTC with microseconds and `Z`, as the callback's `current_time()`.
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        let micros = Int(((seconds - Double(whole)) * 1_000_000).rounded(.down))
        var parts = tm()
        gmtime_r(&whole, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }
}

extension PosixJSONRenderer.State {
    /// Moves the tasks collected so far into the current play.
    mutating func flushPlay() {
        guard !plays.isEmpty, !tasks.isEmpty else { return }
        var existing: [Value] = []
        if case .list(let l)? = plays[plays.count - 1]["tasks"] { existing = l }
        plays[plays.count - 1]["tasks"] = .list(existing + tasks.map(Value.dict))
        tasks = []
    }
}
