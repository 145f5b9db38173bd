import OrderedCollections
import PlayBase

/// One task (or handler) as written: a module call plus its keywords. Nothing here is templated;
/// the executor renders `args`, `loop`, keyword values and evaluates the conditions per host.
public struct PlaybookTask: Sendable, KeywordCarrier {
    public var name: String?
    /// The canonical short module name (`copy` for `ansible.builtin.copy`, `ansible.legacy.copy`, `copy`).
    public var module: String
    /// The module name exactly as written (`ansible.builtin.copy`): Ansible shows it for unnamed tasks.
    public var moduleAsWritten: String
    /// `action: "{{ name }} k=v"`: `module` is a template the executor renders per host, then
    /// looks up and checks the arguments against (split as for any module, as Ansible does).
    public var moduleIsTemplated = false
    /// Where the module name (or `action:` / `local_action:`) is written.
    public var moduleLocation: SourceLocation
    /// Raw arguments. Free-form text of `command`-like modules is in `_raw_params`; `k=v` pairs of
    /// a free form are split into keys; `args:` is merged in (explicit module arguments win).
    public var args: OrderedDictionary<String, Value>
    /// Where each argument key is written (for runtime errors about one argument).
    public var argumentLocations: [String: SourceLocation]
    /// All must hold (`when:` list).
    public var when: [Condition]
    /// The loop source (a list, or a template string); nil when the task does not loop.
    public var loop: Value?
    /// Which loop keyword was used; meaningful only when `loop` is set.
    public var loopKind: LoopKind
    public var loopControl: LoopControl?
    public var register: String?
    public var retries: Value?
    /// `until:` (several entries are joined with `and`).
    public var until: Condition?
    public var delay: Value?
    /// `async:` the job's longest run in seconds; the module runs detached on the target.
    public var asyncSeconds: Value?
    /// `args:` written as a template: at run time it must give a mapping, whose entries the
    /// arguments written with the module (and then module_defaults) override.
    public var argsTemplate: Value?
    /// `poll:` seconds between checks of an async job (Ansible's default 15); 0 fires and forgets.
    public var poll: Value?
    /// `failed_when:` entries (a YAML bool becomes `True`/`False`); any holding fails the task.
    public var failedWhen: [Condition]
    /// `changed_when:` entries; any holding marks the result changed.
    public var changedWhen: [Condition]
    /// Handler names or `listen` topics to notify when the task reports a change.
    public var notify: [String]
    /// Topics this handler answers to (handlers only).
    public var listen: [String]
    /// Task-level vars (raw).
    public var vars: OrderedDictionary<String, Value>
    /// The task's own tags (inherited ones are in `CompiledTask.tags`).
    public var tags: [String]
    public var keywords: Keywords
    /// Written as `local_action:` (its `keywords.delegateTo` is then `localhost`).
    public var isLocalAction: Bool
    /// The directory of the file the task is written in (relative paths resolve against it).
    public var directory: String
    public var location: SourceLocation

    public init(name: String? = nil, module: String, moduleAsWritten: String? = nil, moduleLocation: SourceLocation,
                args: OrderedDictionary<String, Value> = [:], argumentLocations: [String: SourceLocation] = [:],
                when: [Condition] = [], loop: Value? = nil, loopKind: LoopKind = .loop, loopControl: LoopControl? = nil,
                register: String? = nil, retries: Value? = nil, until: Condition? = nil, delay: Value? = nil,
                failedWhen: [Condition] = [], changedWhen: [Condition] = [], notify: [String] = [],
                listen: [String] = [], vars: OrderedDictionary<String, Value> = [:], tags: [String] = [],
                keywords: Keywords = Keywords(), isLocalAction: Bool = false, directory: String = ".",
                location: SourceLocation) {
        self.name = name
        self.module = module
        self.moduleAsWritten = moduleAsWritten ?? module
        self.moduleLocation = moduleLocation
        self.args = args
        self.argumentLocations = argumentLocations
        self.when = when
        self.loop = loop
        self.loopKind = loopKind
        self.loopControl = loopControl
        self.register = register
        self.retries = retries
        self.until = until
        self.delay = delay
        self.failedWhen = failedWhen
        self.changedWhen = changedWhen
        self.notify = notify
        self.listen = listen
        self.vars = vars
        self.tags = tags
        self.keywords = keywords
        self.isLocalAction = isLocalAction
        self.directory = directory
        self.location = location
    }
}

/// A handler is a task in a play's `handlers:` section, found by its `name` or its `listen` topics.
public typealias Handler = PlaybookTask

extension PlaybookTask {
    /// The catalog's name for a module name as written or rendered (`ansible.builtin.apt` → `apt`).
    public static func canonicalModuleName(_ written: String) -> String {
        KeywordTable.shortName(written.trimmingSpaces)
    }
}
