import Foundation
import OrderedCollections
import PlayBase

/// A role expanded in place (`roles:`, `import_role`, or `include_role` at run time): the block
/// holding its tasks carries this, and every task inside inherits its variables and name.
public struct RoleScope: Sendable {
    /// The name as written (`web`, `ns.coll.web`); Ansible prefixes task names with it.
    public var name: String
    /// The role's directory.
    public var path: String
    /// `defaults/main.yml` (or `defaults_from`): the lowest precedence of all.
    public var defaults: OrderedDictionary<String, Value>
    /// `vars/main.yml` (or `vars_from`) with the `vars:` of the roles: entry or import_role over
    /// it: above the play's vars_files, below block vars.
    public var vars: OrderedDictionary<String, Value>
    /// What the role exports to the rest of the play: `vars/main.yml` alone. The `vars:` of the
    /// roles: entry or import stay with this instance's tasks (Ansible's `only_exports`), so two
    /// instances of one role with different `vars:` do not see each other's.
    public var exportedVars: OrderedDictionary<String, Value> = [:]
    /// Role parameters (the other keys of a `roles:` entry, the `vars:` of an include_role):
    /// above facts and set_fact.
    public var params: OrderedDictionary<String, Value>
    /// Ansible's role identity (path, `*_from` files, parameters): a role with the same identity
    /// runs once per play unless it allows duplicates.
    public var identity = ""
    /// `public:` as given to import_role/include_role: static roles are public unless it is false,
    /// an include_role's variables only with `public: true`.
    public var isPublic: Bool?
    /// Named in another role's meta/main.yml (not in `ansible_play_role_names`, no parent names).
    public var isDependency = false

    public init(name: String, path: String, defaults: OrderedDictionary<String, Value> = [:],
                vars: OrderedDictionary<String, Value> = [:], params: OrderedDictionary<String, Value> = [:]) {
        self.name = name
        self.path = path
        self.defaults = defaults
        self.vars = vars
        self.params = params
    }

    /// The magic variables a role's tasks see (`role_path` is absolute, as Ansible's).
    public var magicVariables: OrderedDictionary<String, Value> {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return ["role_name": .string(name), "role_path": .string(absolute)]
    }
}

/// The arguments of `import_role` / `include_role` (and what a `roles:` entry means).
public struct RoleCall: Sendable {
    /// The role's name or path as written (include_role's may be a template).
    public var name: String
    public var tasksFrom: String?
    public var varsFrom: String?
    public var defaultsFrom: String?
    public var handlersFrom: String?
    /// Whether the role's defaults and vars are visible to the play's other tasks.
    public var isPublic: Bool?
    public var allowDuplicates: Bool?
    public var location: SourceLocation

    public init(name: String, tasksFrom: String? = nil, varsFrom: String? = nil, defaultsFrom: String? = nil,
                handlersFrom: String? = nil, isPublic: Bool? = nil, allowDuplicates: Bool? = nil,
                location: SourceLocation) {
        self.name = name
        self.tasksFrom = tasksFrom
        self.varsFrom = varsFrom
        self.defaultsFrom = defaultsFrom
        self.handlersFrom = handlersFrom
        self.isPublic = isPublic
        self.allowDuplicates = allowDuplicates
        self.location = location
    }
}
