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

    public init(name: String, aliases: [String] = [], arguments: [ArgumentSpec] = [], freeForm: FreeForm = .keyValue,
                acceptsAnyArguments: Bool = false, mutuallyExclusive: [[String]] = [], requiredOneOf: [[String]] = []) {
        self.name = name
        self.aliases = aliases
        self.arguments = arguments
        self.freeForm = freeForm
        self.acceptsAnyArguments = acceptsAnyArguments
        self.mutuallyExclusive = mutuallyExclusive
        self.requiredOneOf = requiredOneOf
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
