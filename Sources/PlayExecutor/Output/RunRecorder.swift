import Foundation
import Synchronization
import PlayBase

/// What a run did, with times: the data `--report` draws. Plain values, filled by `RunRecorder`.
public struct RunRecord: Sendable {
    public struct TaskRun: Sendable {
        public var play: String
        public var task: String
        public var host: String
        public var status: TaskStatus
        public var ignored: Bool
        public var module: String
        /// Seconds since the run began.
        public var start: Double
        public var end: Double
        public var message: String?
        public var location: SourceLocation?
        public var result: HostResult
    }

    public struct Progress: Sendable {
        public var time: Double
        public var host: String
        public var task: String
        public var message: String

        public init(time: Double, host: String, task: String, message: String) {
            self.time = time
            self.host = host
            self.task = task
            self.message = message
        }
    }

    public var started = Date()
    public var duration = 0.0
    public var playbooks: [String] = []
    public var plays: [String] = []
    public var runs: [TaskRun] = []
    public var progress: [Progress] = []
    public var warnings: [String] = []
    public var stats: [(host: String, stats: HostStats)] = []
    public var interrupted = false
    /// Hosts in the order they first reported.
    public var hosts: [String] {
        var seen = Set<String>(), order: [String] = []
        for run in runs where seen.insert(run.host).inserted { order.append(run.host) }
        return order
    }

    public init() {}
}

/// Collects a run's events with their times (an enabled callback that prints nothing).
public final class RunRecorder: EventRenderer {
    private let clock: @Sendable () -> Date
    private let state: Mutex<(record: RunRecord, play: String)>

    public init(clock: @escaping @Sendable () -> Date = Date.init) {
        self.clock = clock
        var record = RunRecord()
        record.started = clock()
        state = Mutex((record, ""))
    }

    public func render(_ event: PlayEvent) -> String {
        let now = clock()
        state.withLock { s in
            let t = now.timeIntervalSince(s.record.started)
            s.record.duration = t
            switch event {
            case .playbookStarted(let path): s.record.playbooks.append(path)
            case .playStarted(let info):
                s.play = info.name
                if s.record.plays.last != info.name { s.record.plays.append(info.name) }
            case .hostResult(let r) where r.itemLabel == nil || r.isLoopSummary:
                s.record.runs.append(RunRecord.TaskRun(
                    play: s.play, task: r.task, host: r.host, status: r.status, ignored: r.ignored, module: r.module,
                    start: max(0, t - r.durationSeconds), end: t, message: r.result.message,
                    location: r.failure?.location ?? r.location, result: r))
            case .progress(let host, let task, let message, _):
                s.record.progress.append(RunRecord.Progress(time: t, host: host, task: task, message: message))
            case .warning(let message): s.record.warnings.append(message)
            case .recap(let rows): s.record.stats = rows
            case .interrupted: s.record.interrupted = true
            default: break
            }
        }
        return ""
    }

    public func record() -> RunRecord { state.withLock { $0.record } }
}
