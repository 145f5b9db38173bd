import OrderedCollections
import PlayBase

/// `include_tasks:`: a dynamic include, resolved per host at run time (the file name may be a
/// template). Relative files resolve against `directory`, then the playbook's directory.
public struct IncludeTasks: Sendable, KeywordCarrier {
    public var name: String?
    /// The action as written (`include_tasks` or `ansible.builtin.include_tasks`): shown for unnamed includes.
    public var action: String
    /// The file as written (may contain `{{ }}`).
    public var file: String
    public var fileLocation: SourceLocation
    /// Vars given to every included task (raw).
    public var vars: OrderedDictionary<String, Value>
    public var when: [Condition]
    public var loop: Value?
    public var loopKind: LoopKind
    public var loopControl: LoopControl?
    /// The include's own tags: they decide whether the include runs (they are not inherited by
    /// the included tasks, unless given through `apply`).
    public var tags: [String]
    /// `apply:` keywords given to every included task.
    public var apply: IncludeApply?
    public var keywords: Keywords
    /// The directory of the file holding the include.
    public var directory: String
    /// Set for `include_role`: `file` is then the role's name, and `vars` are role parameters.
    public var role: RoleCall?
    /// In handlers: the topics it answers to besides its name.
    public var listen: [String] = []
    public var location: SourceLocation

    public init(name: String? = nil, file: String, fileLocation: SourceLocation, vars: OrderedDictionary<String, Value> = [:],
                when: [Condition] = [], loop: Value? = nil, loopKind: LoopKind = .loop, loopControl: LoopControl? = nil,
                tags: [String] = [], apply: IncludeApply? = nil, keywords: Keywords = Keywords(),
                directory: String = ".", location: SourceLocation) {
        self.name = name
        self.action = "include_tasks"
        self.file = file
        self.fileLocation = fileLocation
        self.vars = vars
        self.when = when
        self.loop = loop
        self.loopKind = loopKind
        self.loopControl = loopControl
        self.tags = tags
        self.apply = apply
        self.keywords = keywords
        self.directory = directory
        self.location = location
    }
}

/// The block keywords of `include_tasks: {file: ..., apply: {...}}`, wrapped around the included tasks.
public struct IncludeApply: Sendable, Hashable {
    public var tags: [String]
    public var when: [Condition]
    public var vars: OrderedDictionary<String, Value>
    public var keywords: Keywords
    public var location: SourceLocation

    public init(tags: [String] = [], when: [Condition] = [], vars: OrderedDictionary<String, Value> = [:],
                keywords: Keywords = Keywords(), location: SourceLocation) {
        self.tags = tags
        self.when = when
        self.vars = vars
        self.keywords = keywords
        self.location = location
    }
}
