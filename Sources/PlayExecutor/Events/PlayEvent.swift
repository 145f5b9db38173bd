import OrderedCollections
import PlayBase
import PlayLanguage

/// How one task ended on one host (or one loop item).
public enum TaskStatus: String, Sendable, Codable {
    case ok, changed, failed, skipped, unreachable
}

/// What the executor reports while it runs. Renderers turn events into text; the library never prints.
public enum PlayEvent: Sendable {
    case playbookStarted(path: String)
    case playStarted(PlayInfo)
    case taskStarted(TaskInfo)
    case hostResult(HostResult)
    /// A long wait's live status (`ec2_launch` waiting for status checks, `health_wait`, ...).
    case progress(host: String, task: String, message: String, elapsedSeconds: Double)
    /// An `until` condition did not hold yet; the task runs again after its delay.
    case retrying(host: String, task: String, retriesLeft: Int, result: TaskResult, display: ResultDisplay)
    /// An async job was polled (`poll > 0`): still running, or ended ok or failed.
    case asyncPoll(host: String, task: String, jid: String, state: AsyncPollState)
    /// `include_tasks` loaded a file for some hosts.
    case included(path: String, hosts: [String], item: String?)
    case warning(String)
    case noHostsMatched(pattern: String)
    case noMoreHosts
    case recap([(host: String, stats: HostStats)])
    case interrupted
}

/// What one poll of an async job found.
public enum AsyncPollState: String, Sendable {
    case running, ok, failed
}

public struct PlayInfo: Sendable {
    public var name: String
    public var hostPattern: String
    public var index: Int
    public var checkMode: Bool
    /// Where the play is written (the json and junit callbacks name it).
    public var location: SourceLocation?

    public init(name: String, hostPattern: String, index: Int, checkMode: Bool, location: SourceLocation? = nil) {
        self.name = name
        self.hostPattern = hostPattern
        self.index = index
        self.checkMode = checkMode
        self.location = location
    }
}

public struct TaskInfo: Sendable {
    public enum Kind: String, Sendable { case task, handler, include }
    public var name: String
    public var kind: Kind
    public var location: SourceLocation?
    public var checkMode: Bool
    /// The module and its arguments as written, not templated (junit names test cases by them).
    public var module: String
    public var args: OrderedDictionary<String, Value>
    /// The task hides its results and arguments (`no_log`).
    public var noLog: Bool
    /// The compiled task's node: the same task run again (another batch) has the same id.
    public var id: String

    public init(name: String, kind: Kind, location: SourceLocation?, checkMode: Bool = false, module: String = "",
                args: OrderedDictionary<String, Value> = [:], noLog: Bool = false, id: String? = nil) {
        self.id = id ?? "\(kind.rawValue):\(name):\(location?.description ?? "")"
        self.name = name
        self.kind = kind
        self.location = location
        self.checkMode = checkMode
        self.module = module
        self.args = args
        self.noLog = noLog
    }
}

public struct HostResult: Sendable {
    public var host: String
    public var task: String
    public var status: TaskStatus
    /// The result as the user may see it: already censored when the task has `no_log`.
    public var result: TaskResult
    /// The loop item's label when this is one item of a loop; nil for the task's summary.
    public var itemLabel: String?
    /// A loop's summary line follows its items.
    public var isLoopSummary: Bool
    public var ignored: Bool
    public var delegatedTo: String?
    /// The module's name, for machine-readable output (renderers decide nothing by it).
    public var module: String
    /// How the module's result is shown, from its spec.
    public var display: ResultDisplay
    /// The action ran on the controller (a controller-only module, an include): Ansible words its
    /// failures "Action failed" rather than "Module failed".
    public var runsOnController: Bool
    public var durationSeconds: Double
    /// Where the task is written, for error excerpts.
    public var location: SourceLocation?
    /// Why the task failed when its module did not report it (a bad argument, a template...).
    public var failure: TaskFailure?
    /// The task runs in diff mode: a changed result's `diff` is shown before its line.
    public var showsDiff: Bool
    /// The result is a command's output (the module's `commandOutput` trait).
    public var commandOutput = false

    public init(host: String, task: String, status: TaskStatus, result: TaskResult, itemLabel: String? = nil,
                isLoopSummary: Bool = false, ignored: Bool = false, delegatedTo: String? = nil,
                module: String, display: ResultDisplay = .standard, runsOnController: Bool = false,
                durationSeconds: Double = 0, location: SourceLocation? = nil, failure: TaskFailure? = nil,
                showsDiff: Bool = false) {
        self.host = host
        self.task = task
        self.status = status
        self.result = result
        self.itemLabel = itemLabel
        self.isLoopSummary = isLoopSummary
        self.ignored = ignored
        self.delegatedTo = delegatedTo
        self.module = module
        self.display = display
        self.runsOnController = runsOnController
        self.durationSeconds = durationSeconds
        self.location = location
        self.failure = failure
        self.showsDiff = showsDiff
    }
}

/// Receives events; implementations must be safe to call from concurrent host tasks.
public protocol EventSink: Sendable {
    func emit(_ event: PlayEvent)
}
