import OrderedCollections
import PlayBase

/// What running one task on one host changes for the rest of the run. The strategy applies it
/// between steps, so running hosts in parallel never shares mutable state.
public struct HostTaskOutcome: Sendable {
    public var host: String
    public var status: TaskStatus
    public var result: TaskResult
    /// Why the task failed when its module did not report it itself.
    public var failure: TaskFailure?
    /// A failure that counts: not ignored, not rescued yet.
    public var failed: Bool
    public var ignored: Bool
    public var unreachable: Bool
    public var registerName: String?
    /// The task had `no_log`: its result is shown (and handed to a rescue) censored.
    public var noLog = false
    public var facts: OrderedDictionary<String, Value> = [:]
    public var notify: [String] = []
    public var newHosts: [HostAddition] = []
    /// Groups the host joins (created under their parents when new).
    public var newGroups: [GroupAddition] = []

    init(host: String, status: TaskStatus, result: TaskResult, failed: Bool, ignored: Bool, unreachable: Bool,
         registerName: String?) {
        self.host = host
        self.status = status
        self.result = result
        self.failed = failed
        self.ignored = ignored
        self.unreachable = unreachable
        self.registerName = registerName
    }
}
