import OrderedCollections
import PlayBase

/// Identifies a node of the compiled graph (unique within one compiled playbook; includes compiled
/// at run time get ids from the `firstID` their caller passes).
public typealias NodeID = Int

/// A playbook ready to run: imports expanded, keywords inherited, tags resolved and filtered.
public struct CompiledPlaybook: Sendable {
    public var path: String
    public var plays: [CompiledPlay]
    /// One past the largest NodeID used; ids for run-time includes can start here.
    public var nodeCount: Int
    /// The parser's warnings (duplicate keys, keywords accepted but not acted on), shown before the run.
    public var warnings: [Diagnostic]

    public init(path: String, plays: [CompiledPlay], nodeCount: Int, warnings: [Diagnostic] = []) {
        self.path = path
        self.plays = plays
        self.nodeCount = nodeCount
        self.warnings = warnings
    }
}

/// One play ready to run.
public struct CompiledPlay: Sendable {
    public var play: Play
    /// 0-based position in the playbook (Ansible prints `play #index+1`).
    public var index: Int
    /// `pre_tasks`, `tasks`, `post_tasks`: one block each, always three, in that order.
    /// Notified handlers flush after each section.
    public var sections: [CompiledBlock]
    /// Handlers in definition order (never tag-filtered, as in Ansible); blocks and imports in the
    /// handlers section are flattened into their tasks.
    public var handlers: [CompiledTask]
    /// What `--list-tasks` walks when it differs from `sections`: a role repeated with the same
    /// arguments is listed by Ansible but not run again.
    public var listedSections: [CompiledBlock]?
    /// The play's static roles (roles: and import_role), in order, each once.
    public var roleNames: [String] = []
    /// Static roles are public, as in Ansible: every task of the play sees their defaults (above
    /// the magic vars; the first layer holds `ansible_play_role_names`) and their vars (above vars_files).
    public var publicRoleDefaults: [OrderedDictionary<String, Value>] = []
    public var publicRoleVars: [OrderedDictionary<String, Value>] = []

    public init(play: Play, index: Int, sections: [CompiledBlock], handlers: [CompiledTask]) {
        self.play = play
        self.index = index
        self.sections = sections
        self.handlers = handlers
    }
}

/// A block (or one section of a play) with its three lists.
public struct CompiledBlock: Sendable {
    public var id: NodeID
    public var body: [CompiledItem]
    public var rescue: [CompiledItem]
    public var always: [CompiledItem]
    public var name: String?
    /// Set when the block holds a role's tasks.
    public var role: RoleScope?
    public var location: SourceLocation

    public init(id: NodeID, body: [CompiledItem] = [], rescue: [CompiledItem] = [], always: [CompiledItem] = [],
                name: String? = nil, location: SourceLocation) {
        self.id = id
        self.body = body
        self.rescue = rescue
        self.always = always
        self.name = name
        self.location = location
    }

    /// True when no section holds anything (e.g. every task was filtered out by tags).
    public var isEmpty: Bool { body.isEmpty && rescue.isEmpty && always.isEmpty }
}

/// An entry of a compiled task list.
public indirect enum CompiledItem: Sendable {
    case task(CompiledTask)
    case block(CompiledBlock)
    case include(CompiledInclude)

    public var id: NodeID {
        switch self {
        case .task(let t): return t.id
        case .block(let b): return b.id
        case .include(let i): return i.id
        }
    }
}

/// A task with everything it inherits resolved.
public struct CompiledTask: Sendable {
    public var id: NodeID
    public var task: PlaybookTask
    /// Effective tags: its own plus those of the play, enclosing blocks and imports.
    public var tags: Set<String>
    /// Inherited conditions (import_playbook, blocks, imports: outermost first), then its own.
    /// All must hold.
    public var conditions: [Condition]
    /// Vars of enclosing blocks, imports and includes, outermost first (the task's own are in `task.vars`).
    public var blockVars: [OrderedDictionary<String, Value>]
    /// Keywords resolved play -> blocks -> task.
    public var keywords: EffectiveKeywords
    /// The task's `notify`, or the nearest enclosing block's when the task has none.
    public var notify: [String]
    /// What Ansible prints in `TASK [...]` (`role : name` for a role's task).
    public var displayName: String
    /// The role the task belongs to, its defaults (outermost role first) and parameters; the
    /// variable builder places them at their precedence (see RoleScope).
    public var role: RoleScope?
    public var roleDefaults: [OrderedDictionary<String, Value>] = []
    public var roleParams: [OrderedDictionary<String, Value>] = []
    /// A handler written as `include_tasks`: when notified, the executor loads and runs its file.
    public var include: CompiledInclude?

    /// What `--list-tasks` prints: as the banner, except that an unnamed role task shows its bare action.
    public var listingName: String {
        if role != nil, task.name?.isEmpty ?? true { return task.moduleAsWritten }
        return displayName
    }

    public init(id: NodeID, task: PlaybookTask, tags: Set<String>, conditions: [Condition],
                blockVars: [OrderedDictionary<String, Value>], keywords: EffectiveKeywords, notify: [String],
                displayName: String) {
        self.id = id
        self.task = task
        self.tags = tags
        self.conditions = conditions
        self.blockVars = blockVars
        self.keywords = keywords
        self.notify = notify
        self.displayName = displayName
    }
}

/// An `include_tasks` with what it inherits; the executor compiles the file per host at run time
/// through `PlaybookCompiler.compileTasksFile(..., inheriting: include.childContext, ...)`.
public struct CompiledInclude: Sendable {
    public var id: NodeID
    public var include: IncludeTasks
    /// The include's effective tags (decide whether the include itself runs).
    public var tags: Set<String>
    /// Inherited conditions, then the include's own `when`: evaluated once for the include.
    public var conditions: [Condition]
    public var blockVars: [OrderedDictionary<String, Value>]
    public var keywords: EffectiveKeywords
    public var displayName: String
    /// What the included tasks inherit (enclosing blocks, the include's vars and `apply`).
    public var childContext: InheritedContext
    /// Set when the include is written in a role (its banner then reads `role : name`).
    public var roleName: String?

    /// What `--list-tasks` prints: an unnamed include_role, or include in a role, shows its bare action.
    public var listingName: String {
        if roleName != nil || include.role != nil, include.name?.isEmpty ?? true { return include.action }
        return displayName
    }

    public init(id: NodeID, include: IncludeTasks, tags: Set<String>, conditions: [Condition],
                blockVars: [OrderedDictionary<String, Value>], keywords: EffectiveKeywords, displayName: String,
                childContext: InheritedContext) {
        self.id = id
        self.include = include
        self.tags = tags
        self.conditions = conditions
        self.blockVars = blockVars
        self.keywords = keywords
        self.displayName = displayName
        self.childContext = childContext
    }
}

/// What a task list inherits from where it is written: the state of the walk down
/// play -> blocks -> imports/includes.
public struct InheritedContext: Sendable {
    public var tags: Set<String>
    public var conditions: [Condition]
    public var blockVars: [OrderedDictionary<String, Value>]
    public var keywords: EffectiveKeywords
    /// The nearest enclosing block's `notify`, if any.
    public var notify: [String]?
    /// The directory of the file being read (relative includes resolve here first).
    public var directory: String
    /// The directory of the top playbook (relative includes resolve here second).
    public var playbookDirectory: String
    /// The innermost enclosing role, and the defaults and parameters of all enclosing roles.
    public var role: RoleScope?
    public var roleDefaults: [OrderedDictionary<String, Value>] = []
    public var roleParams: [OrderedDictionary<String, Value>] = []
    /// Enclosing roles' names, innermost first (`ansible_parent_role_names`).
    public var roleNames: [String] = []
    /// Enclosing roles' paths, innermost first (`ansible_parent_role_paths`).
    public var rolePaths: [String] = []
    /// Identities of the play's static roles: an include_role's dependencies among them do not run again.
    public var playRoleIdentities: Set<String> = []

    public init(tags: Set<String> = [], conditions: [Condition] = [], blockVars: [OrderedDictionary<String, Value>] = [],
                keywords: EffectiveKeywords = EffectiveKeywords(), notify: [String]? = nil, directory: String,
                playbookDirectory: String) {
        self.tags = tags
        self.conditions = conditions
        self.blockVars = blockVars
        self.keywords = keywords
        self.notify = notify
        self.directory = directory
        self.playbookDirectory = playbookDirectory
    }
}
