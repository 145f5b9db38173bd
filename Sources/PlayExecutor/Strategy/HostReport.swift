/// What the scheduler needs to know of one host's task result: enough to count it, route a
/// failure and queue notifications, and nothing that needs I/O to produce.
public struct HostReport: Sendable, Equatable {
    public var host: String
    public var status: TaskStatus
    /// The result's own `changed`, which an ignored failure still counts.
    public var changed: Bool
    /// A failure that counts: not ignored, not rescued yet.
    public var failed: Bool
    public var ignored: Bool
    public var unreachable: Bool
    /// Handler names or `listen` topics the task notified.
    public var notify: [String]

    public init(host: String, status: TaskStatus, changed: Bool = false, failed: Bool = false, ignored: Bool = false,
                unreachable: Bool = false, notify: [String] = []) {
        self.host = host
        self.status = status
        self.changed = changed
        self.failed = failed
        self.ignored = ignored
        self.unreachable = unreachable
        self.notify = notify
    }

    init(_ outcome: HostTaskOutcome) {
        self.init(host: outcome.host, status: outcome.status, changed: outcome.result.changed, failed: outcome.failed,
                  ignored: outcome.ignored, unreachable: outcome.unreachable, notify: outcome.notify)
    }
}
