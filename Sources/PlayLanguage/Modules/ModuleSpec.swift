import PlayBase

/// The type an argument must have. Values holding `{{` are not checked (they render at run time).
public enum ArgumentType: Sendable, Hashable {
    case string, int, float, bool, list, dict, path
    /// Anything.
    case raw
}

/// One argument of a module.
public struct ArgumentSpec: Sendable, Hashable {
    public var name: String
    public var type: ArgumentType
    public var required: Bool
    /// Other accepted names (`dest` for `path`...).
    public var aliases: [String]
    /// The allowed values, compared as strings.
    public var choices: [String]?
    public var defaultValue: Value?
    /// For `.list`: the type of each element (nil = anything).
    public var elements: ArgumentType?

    public init(_ name: String, _ type: ArgumentType = .raw, required: Bool = false, aliases: [String] = [],
                choices: [String]? = nil, defaultValue: Value? = nil, elements: ArgumentType? = nil) {
        self.name = name
        self.type = type
        self.required = required
        self.aliases = aliases
        self.choices = choices
        self.defaultValue = defaultValue
        self.elements = elements
    }
}

/// Whether a module takes a free-form string (`command: ls -l`, `meta: flush_handlers`).
public enum FreeForm: Sendable, Hashable {
    /// Only `k: v` / `k=v` arguments.
    case none
    /// The text (after any leading `k=v` pairs the module knows) goes to `_raw_params`
    /// (command, shell, meta, include_vars...).
    case rawParams
    /// The whole string is `k=v k2="a b"` pairs (copy, file, debug...).
    case keyValue
}

/// How a renderer shows a module's result.
public enum ResultDisplay: Sendable, Hashable {
    /// `ok: [host]`, the result only with `-v`.
    case standard
    /// The result is always shown as indented JSON (`assert`).
    case alwaysVerbose
    /// Like `alwaysVerbose`, and a `msg` stands alone (`debug`).
    case message
}

/// The precedence layer a module's returned `ansible_facts` join.
public enum FactsPrecedence: Sendable, Hashable {
    /// Variables of the highest task precedence, beside registered results (`set_fact`).
    case variables
    /// Host facts (`setup`): below play vars, also shown under `ansible_facts`.
    case hostFacts
    /// Included variables (`include_vars`): above task, block and role vars, below `set_fact`.
    case includedVariables
}

/// What the executor and the renderers must know about a module, so that neither names it.
public struct ModuleTraits: Sendable, Hashable {
    /// An action that works on the controller only: Ansible reports its failures as "Action failed".
    public var runsOnController: Bool
    /// Runs once per task for the whole batch, and its result applies to every host
    /// (Ansible's BYPASS_HOST_LOOP: `add_host`, `pause`).
    public var bypassesHostLoop: Bool
    /// The strategy carries it out itself (`meta`): it changes the run's sequencing, and the module
    /// is never called.
    public var performedByStrategy: Bool
    public var display: ResultDisplay
    /// Where the `ansible_facts` it returns go among the host's variables.
    public var factsPrecedence: FactsPrecedence
    /// Its work is one command on the target that can run detached (`async:`); the module
    /// starts it through `ModuleContext.asyncJob` and the runner polls the job file.
    public var supportsAsync = false
    /// Its result is a command's output (`command`, `shell`, `raw`: Ansible's MODULE_NO_JSON): the
    /// ad-hoc callbacks (`minimal`, `oneline`) print its rc and output rather than the JSON.
    public var commandOutput = false

    public init(runsOnController: Bool = false, bypassesHostLoop: Bool = false, performedByStrategy: Bool = false,
                display: ResultDisplay = .standard, factsPrecedence: FactsPrecedence = .variables) {
        self.runsOnController = runsOnController
        self.bypassesHostLoop = bypassesHostLoop
        self.performedByStrategy = performedByStrategy
        self.display = display
        self.factsPrecedence = factsPrecedence
    }

    /// A module that works on the host (the default).
    public static let remote = ModuleTraits()
    /// An action on the controller.
    public static let controller = ModuleTraits(runsOnController: true)
}

/// What the parser knows about a module: its names and its arguments, for checks before running.
public struct ModuleSpec: Sendable {
    public var name: String
    /// Extra names, e.g. `ec2_instance` for `ec2_launch`.
    public var aliases: [String]
    public var arguments: [ArgumentSpec]
    public var freeForm: FreeForm
    /// External modules: any argument is passed through unchecked.
    public var acceptsAnyArguments: Bool
    /// Groups of arguments of which at most one may be given.
    public var mutuallyExclusive: [[String]]
    /// Groups of arguments of which at least one must be given.
    public var requiredOneOf: [[String]]
    public var traits: ModuleTraits
    /// Action groups it belongs to (`aws` for amazon.aws's): `module_defaults: {group/aws: ...}` applies.
    public var groups: [String]

    public init(groups: [String] = [], name: String, aliases: [String] = [], arguments: [ArgumentSpec] = [], freeForm: FreeForm = .keyValue,
                acceptsAnyArguments: Bool = false, mutuallyExclusive: [[String]] = [], requiredOneOf: [[String]] = [],
                traits: ModuleTraits = .remote) {
        self.name = name
        self.aliases = aliases
        self.arguments = arguments
        self.freeForm = freeForm
        self.acceptsAnyArguments = acceptsAnyArguments
        self.mutuallyExclusive = mutuallyExclusive
        self.requiredOneOf = requiredOneOf
        self.traits = traits
        self.groups = groups
    }

    /// The argument a written key names (by name or alias).
    public func argument(named key: String) -> ArgumentSpec? {
        arguments.first { $0.name == key || $0.aliases.contains(key) }
    }
}

/// The modules a run knows about, provided by the caller (implementations live in PlayModules).
/// `spec(named:)` is asked with the canonical short name (collection prefixes already removed)
/// and must also answer for a spec's aliases.
public protocol ModuleCatalog: Sendable {
    func spec(named: String) -> ModuleSpec?
    var moduleNames: [String] { get }
}

extension ModuleTraits {
    /// Ansible's actions whose action plugin refuses `async:` ("This action (x) does not support
    /// async."); every other module runs as an async job there.
    public static let actionsWithoutAsync: Set<String> = [
        "add_host", "assemble", "assert", "async_status", "copy", "debug", "fail", "fetch", "gather_facts", "group_by",
        "include_vars", "pause", "raw", "reboot", "script", "set_fact", "set_stats", "template", "unarchive",
        "validate_argument_spec", "wait_for_connection",
    ]

    /// `poll: 0` needs a module that is an async job on the target (command, shell): the result
    /// of any other is made on the controller, which a fire-and-forget job outlives.
    public static func fireAndForgetRefusal(_ module: String) -> String {
        "play runs '\(module)' as an async job only with poll > 0 (its result is made on the controller);"
            + " give poll a number of seconds, or use command/shell for fire-and-forget jobs"
    }
}
