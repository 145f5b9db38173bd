import OrderedCollections
import PlayBase

/// A host a module adds to the run's inventory (`add_host`, machines a cloud module created).
public struct HostAddition: Sendable, Hashable {
    public var name: String
    public var groups: [String]
    public var variables: OrderedDictionary<String, Value>

    public init(name: String, groups: [String] = [], variables: OrderedDictionary<String, Value> = [:]) {
        self.name = name
        self.groups = groups
        self.variables = variables
    }

    /// The entry Ansible's results show for an added host: `{host_name, groups, host_vars}`.
    public var asValue: Value {
        ["host_name": .string(name), "groups": .list(groups.map(Value.string)), "host_vars": .dict(variables)]
    }
}

/// A group a module puts the task's host in (`group_by`), created under `parents` when new.
public struct GroupAddition: Sendable, Hashable {
    public var name: String
    public var parents: [String]

    public init(name: String, parents: [String] = []) {
        self.name = name
        self.parents = parents
    }
}
