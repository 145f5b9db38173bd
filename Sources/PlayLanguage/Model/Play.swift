import OrderedCollections
import PlayBase

/// One play. Values stay raw (`hosts`, `vars`, `environment` may hold templates).
public struct Play: Sendable {
    public var name: String?
    /// The host pattern; a YAML list is joined with `,`.
    public var hosts: String
    /// `hosts` as written: the YAML list's entries, or the one string (what `--list-hosts` shows as `pattern:`).
    public var hostPatterns: [String]
    public var vars: OrderedDictionary<String, Value>
    /// Each entry is a path string, or a list of paths of which the first found is loaded.
    public var varsFiles: [Value]
    /// Variables asked for on the terminal before the play starts.
    public var varsPrompt: [VarsPrompt] = []
    /// `module_defaults` (normalized keys), inherited by every task of the play.
    public var moduleDefaults: OrderedDictionary<String, Value>?
    public var preTasks: [BlockItem]
    /// `roles:` expanded into role blocks (dependencies first); they run before `tasks`.
    public var roles: [BlockItem] = []
    public var tasks: [BlockItem]
    public var postTasks: [BlockItem]
    public var handlers: [BlockItem]
    /// Batch sizes: ints or percentage strings ("30%"); empty when `serial` is absent.
    public var serial: [Value]
    public var maxFailPercentage: Double?
    public var anyErrorsFatal: Bool?
    /// A boolean, or a template rendered with the play's vars and `-e` (Ansible allows both).
    public var gatherFacts: Value?
    /// `gather_subset` / `gather_timeout`: arguments of the implicit "Gathering Facts" task.
    public var gatherSubset: Value?
    public var gatherTimeout: Value?
    public var connection: String?
    public var environment: Value?
    public var tags: [String]
    public var strategy: String?
    public var become: Bool?
    public var becomeUser: String?
    public var becomeMethod: String?
    public var checkMode: Bool?
    public var diff: Bool?
    public var noLog: Bool?
    public var ignoreErrors: Bool?
    public var ignoreUnreachable: Bool?
    public var runOnce: Bool?
    public var forceHandlers: Bool?
    public var remoteUser: String?
    public var port: Int?
    public var throttle: Int?
    public var timeout: Int?
    /// `inventory`, `sorted`, `reverse_sorted`, `reverse_inventory`, `shuffle`.
    public var order: String?
    /// Conditions from an enclosing `import_playbook:`; they apply to every task of the play.
    public var when: [Condition]
    /// The directory of the file the play is written in.
    public var directory: String
    public var location: SourceLocation

    public init(name: String? = nil, hosts: String, vars: OrderedDictionary<String, Value> = [:], varsFiles: [Value] = [],
                preTasks: [BlockItem] = [], tasks: [BlockItem] = [], postTasks: [BlockItem] = [], handlers: [BlockItem] = [],
                serial: [Value] = [], maxFailPercentage: Double? = nil, anyErrorsFatal: Bool? = nil, gatherFacts: Value? = nil,
                connection: String? = nil, environment: Value? = nil, tags: [String] = [], strategy: String? = nil,
                become: Bool? = nil, becomeUser: String? = nil, becomeMethod: String? = nil, checkMode: Bool? = nil,
                diff: Bool? = nil, noLog: Bool? = nil, ignoreErrors: Bool? = nil, ignoreUnreachable: Bool? = nil,
                runOnce: Bool? = nil, forceHandlers: Bool? = nil, remoteUser: String? = nil, port: Int? = nil,
                throttle: Int? = nil, timeout: Int? = nil, order: String? = nil, when: [Condition] = [],
                directory: String = ".", location: SourceLocation) {
        self.name = name
        self.hosts = hosts
        self.hostPatterns = hosts.isEmpty ? [] : [hosts]
        self.vars = vars
        self.varsFiles = varsFiles
        self.preTasks = preTasks
        self.tasks = tasks
        self.postTasks = postTasks
        self.handlers = handlers
        self.serial = serial
        self.maxFailPercentage = maxFailPercentage
        self.anyErrorsFatal = anyErrorsFatal
        self.gatherFacts = gatherFacts
        self.connection = connection
        self.environment = environment
        self.tags = tags
        self.strategy = strategy
        self.become = become
        self.becomeUser = becomeUser
        self.becomeMethod = becomeMethod
        self.checkMode = checkMode
        self.diff = diff
        self.noLog = noLog
        self.ignoreErrors = ignoreErrors
        self.ignoreUnreachable = ignoreUnreachable
        self.runOnce = runOnce
        self.forceHandlers = forceHandlers
        self.remoteUser = remoteUser
        self.port = port
        self.throttle = throttle
        self.timeout = timeout
        self.order = order
        self.when = when
        self.directory = directory
        self.location = location
    }

    /// What Ansible prints for the play: its name, or the host pattern when it has none.
    public var displayName: String { name ?? hosts }

    /// The play-level values of the keywords its tasks inherit.
    public var keywords: Keywords {
        var k = Keywords()
        k.become = become.map(Value.bool)
        k.becomeUser = becomeUser.map(Value.string)
        k.becomeMethod = becomeMethod.map(Value.string)
        k.checkMode = checkMode.map(Value.bool)
        k.diff = diff.map(Value.bool)
        k.noLog = noLog.map(Value.bool)
        k.ignoreErrors = ignoreErrors.map(Value.bool)
        k.ignoreUnreachable = ignoreUnreachable.map(Value.bool)
        k.runOnce = runOnce.map(Value.bool)
        k.anyErrorsFatal = anyErrorsFatal.map(Value.bool)
        k.environment = environment
        k.connection = connection.map(Value.string)
        k.remoteUser = remoteUser.map(Value.string)
        k.port = port.map(Value.int)
        k.throttle = throttle.map(Value.int)
        k.timeout = timeout.map(Value.int)
        k.moduleDefaults = moduleDefaults
        return k
    }
}
