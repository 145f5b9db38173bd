import OrderedCollections
import PlayBase

/// An entry of a task list: a task, a block (also what `import_tasks` expands to), or a dynamic include.
/// Indirect: its cases are large values (over 1 KiB), and a task list of them would otherwise
/// take the largest case's size for every entry and copy it whole.
public indirect enum BlockItem: Sendable {
    case task(PlaybookTask)
    case block(Block)
    case include(IncludeTasks)

    public var location: SourceLocation {
        switch self {
        case .task(let t): return t.location
        case .block(let b): return b.location
        case .include(let i): return i.location
        }
    }
}

/// `block:` with its `rescue:` and `always:` sections. `import_tasks` also becomes a Block (with
/// `importedFile` set) so that its `when`/`tags`/`vars`/keywords apply to every imported task.
public struct Block: Sendable, KeywordCarrier {
    public var name: String?
    public var body: [BlockItem]
    public var rescue: [BlockItem]
    public var always: [BlockItem]
    /// Applies to every task inside (all must hold).
    public var when: [Condition]
    public var vars: OrderedDictionary<String, Value>
    /// Inherited by every task inside.
    public var tags: [String]
    /// `notify:` on a block applies to every task inside that has none of its own.
    public var notify: [String]
    public var keywords: Keywords
    /// The file's path when this block stands for an `import_tasks:`; nil for a written `block:`.
    public var importedFile: String?
    /// Set when this block holds a role's tasks (its dependencies' role blocks come first in `body`).
    public var role: RoleScope?
    /// A role already run in this play with the same parameters: Ansible lists it but does not run it again.
    public var isRepeatedRole = false
    public var location: SourceLocation

    public init(name: String? = nil, body: [BlockItem] = [], rescue: [BlockItem] = [], always: [BlockItem] = [],
                when: [Condition] = [], vars: OrderedDictionary<String, Value> = [:], tags: [String] = [],
                notify: [String] = [], keywords: Keywords = Keywords(), importedFile: String? = nil,
                location: SourceLocation) {
        self.name = name
        self.body = body
        self.rescue = rescue
        self.always = always
        self.when = when
        self.vars = vars
        self.tags = tags
        self.notify = notify
        self.keywords = keywords
        self.importedFile = importedFile
        self.location = location
    }
}
