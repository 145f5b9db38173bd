import OrderedCollections
import PlayBase

/// `--output json`: one JSON object per event, one per line (the schema is in the README).
public struct JSONEventRenderer: Sendable {
    public init() {}

    public func render(_ event: PlayEvent) -> String {
        var o: OrderedDictionary<String, Value> = [:]
        switch event {
        case .playbookStarted(let path):
            o = ["event": "playbook_start", "path": .string(path)]
        case .playStarted(let info):
            o = ["event": "play_start", "name": .string(info.name), "hosts": .string(info.hostPattern),
                 "index": .int(info.index), "check_mode": .bool(info.checkMode)]
        case .taskStarted(let info):
            o = ["event": "task_start", "name": .string(info.name), "kind": .string(info.kind.rawValue),
                 "location": info.location.map { .string($0.description) } ?? .null]
        case .hostResult(let r):
            o = ["event": "host_result", "host": .string(r.host), "task": .string(r.task),
                 "status": .string(r.status.rawValue), "module": .string(r.module),
                 "item": r.itemLabel.map(Value.string) ?? .null, "loop_summary": .bool(r.isLoopSummary),
                 "ignored": .bool(r.ignored), "delegated_to": r.delegatedTo.map(Value.string) ?? .null,
                 "duration": .double((r.durationSeconds * 1000).rounded() / 1000), "result": r.result.asValue,
                 "error_location": r.failure?.location.map { .string($0.description) } ?? .null]
        case .progress(let host, let task, let message, let elapsed):
            o = ["event": "progress", "host": .string(host), "task": .string(task), "message": .string(message),
                 "elapsed": .double((elapsed * 10).rounded() / 10)]
        case .retrying(let host, let task, let left, let result, _):
            o = ["event": "retrying", "host": .string(host), "task": .string(task), "retries_left": .int(left),
                 "result": result.asValue]
        case .asyncPoll(let host, let task, let jid, let state):
            o = ["event": "async_poll", "host": .string(host), "task": .string(task), "jid": .string(jid),
                 "state": .string(state.rawValue)]
        case .included(let path, let hosts, let item):
            o = ["event": "included", "path": .string(path), "hosts": .list(hosts.map(Value.string)),
                 "item": item.map(Value.string) ?? .null]
        case .warning(let message):
            o = ["event": "warning", "message": .string(message)]
        case .noHostsMatched(let pattern):
            o = ["event": "no_hosts_matched", "pattern": .string(pattern)]
        case .noMoreHosts:
            o = ["event": "no_more_hosts"]
        case .recap(let rows):
            var hosts: OrderedDictionary<String, Value> = [:]
            for (host, s) in rows {
                hosts[host] = ["ok": .int(s.ok), "changed": .int(s.changed), "unreachable": .int(s.unreachable),
                               "failed": .int(s.failed), "skipped": .int(s.skipped), "rescued": .int(s.rescued),
                               "ignored": .int(s.ignored)]
            }
            o = ["event": "recap", "hosts": .dict(hosts)]
        case .interrupted:
            o = ["event": "interrupted"]
        }
        return Value.dict(o).jsonString() + "\n"
    }
}
