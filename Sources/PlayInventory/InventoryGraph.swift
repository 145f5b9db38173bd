import OrderedCollections
import PlayBase

/// The hosts and groups of an inventory and the relations between them, kept as Ansible's
/// `InventoryData` keeps them: `all` and `ungrouped` always exist, every group ends up below
/// `all`, and hosts that belong to no other group are listed in `ungrouped`.
/// Hosts and groups are stored in arrays in the order they first appeared; names map to indices.
struct InventoryGraph: Sendable {
    struct GraphError: Error, Equatable {
        let message: String
    }

    static let all = 0
    static let ungrouped = 1

    private(set) var hosts: [InventoryHost] = []
    private(set) var hostIndex: [String: Int] = [:]
    private(set) var groups: [InventoryGroup] = []
    private(set) var groupIndex: [String: Int] = [:]

    init() {
        _ = addGroup("all")
        _ = addGroup("ungrouped")
        try? addChild(parent: Self.all, child: Self.ungrouped)
    }

    // MARK: building

    /// The index of the group called `name`, created when new.
    mutating func addGroup(_ name: String) -> Int {
        if let existing = groupIndex[name] { return existing }
        groups.append(InventoryGroup(name: name))
        groupIndex[name] = groups.count - 1
        return groups.count - 1
    }

    /// The index of the host called `name`. A new host gets `ansible_port` (from `name:port`)
    /// and `inventory_file`/`inventory_dir`, as Ansible sets them when it first meets a host.
    mutating func addHost(_ name: String, to group: Int?, port: Int?, source: InventorySourceInfo?) -> Int {
        let index: Int
        if let existing = hostIndex[name] {
            index = existing
        } else {
            var host = InventoryHost(name: name)
            if let port { host.vars["ansible_port"] = .int(port) }
            host.vars["inventory_file"] = source.map { .string($0.file) } ?? .null
            host.vars["inventory_dir"] = source.map { $0.directory.map(Value.string) ?? .string("None") } ?? .null
            hosts.append(host)
            index = hosts.count - 1
            hostIndex[name] = index
        }
        if let group { addHost(index, toGroup: group) }
        return index
    }

    mutating func addHost(_ host: Int, toGroup group: Int) {
        guard !groups[group].hostSet.contains(host) else { return }
        groups[group].hosts.append(host)
        groups[group].hostSet.insert(host)
        hosts[host].directGroups.append(group)
    }

    /// Makes `child` a group below `parent`, refusing loops as Ansible does.
    mutating func addChild(parent: Int, child: Int) throws(GraphError) {
        guard parent != child else {
            throw GraphError(message: "group '\(groups[parent].name)' cannot be a child of itself")
        }
        guard !groups[parent].children.contains(child) else { return }
        if ancestors(of: parent).contains(child) {
            throw GraphError(message: "Adding group '\(groups[child].name)' as child to '\(groups[parent].name)' creates a recursive dependency loop.")
        }
        groups[parent].children.append(child)
        if !groups[child].parents.contains(parent) { groups[child].parents.append(parent) }
        // A group sits one level below its deepest parent; push the change down the tree.
        var work = [(child, groups[parent].depth + 1)]
        while let (g, depth) = work.popLast() {
            guard groups[g].depth < depth else { continue }
            groups[g].depth = depth
            for c in groups[g].children { work.append((c, depth + 1)) }
        }
    }

    mutating func setVariable(host: Int, _ key: String, _ value: Value) {
        hosts[host].vars[key] = value
    }

    /// Sets a group variable; `ansible_group_priority` is the group's priority, not a variable.
    mutating func setVariable(group: Int, _ key: String, _ value: Value) throws(GraphError) {
        if key == "ansible_group_priority" {
            let priority: Int?
            switch value {
            case .int(let n): priority = n
            case .bool(let b): priority = b ? 1 : 0
            case .double(let d): priority = d.isFinite ? Int(d) : nil
            case .string(let s): priority = HostRange.pythonInt(Substring(s))
            default: priority = nil
            }
            guard let priority else {
                throw GraphError(message: "ansible_group_priority of group '\(groups[group].name)' must be an integer, got '\(value.renderedString)'")
            }
            groups[group].priority = priority
            return
        }
        groups[group].vars[key] = value
    }

    /// Ansible's reconcile step, run after loading and after every run-time change: groups
    /// without a parent go below `all`; hosts in no other group go to `ungrouped`, and hosts
    /// that are in another group leave it. Returns warnings to show.
    mutating func reconcile() -> [String] {
        for g in groups.indices where g != Self.all && groups[g].parents.isEmpty {
            try? addChild(parent: Self.all, child: g)
        }
        var leaveUngrouped: Set<Int> = []
        for h in hosts.indices {
            let direct = hosts[h].directGroups
            let hasOther = direct.contains { $0 != Self.all && $0 != Self.ungrouped }
            if direct.contains(Self.ungrouped) {
                if hasOther { leaveUngrouped.insert(h) }
            } else if !hasOther {
                addHost(h, toGroup: Self.ungrouped)
            }
        }
        if !leaveUngrouped.isEmpty {
            groups[Self.ungrouped].hosts.removeAll { leaveUngrouped.contains($0) }
            groups[Self.ungrouped].hostSet.subtract(leaveUngrouped)
            for h in leaveUngrouped { hosts[h].directGroups.removeAll { $0 == Self.ungrouped } }
        }
        return groups.filter { hostIndex[$0.name] != nil }.map { "Found both group and host with same name: \($0.name)" }
    }

    // MARK: reading

    /// Every group above `group` (not including it).
    func ancestors(of group: Int) -> Set<Int> {
        var seen: Set<Int> = []
        var work = groups[group].parents
        while let g = work.popLast() {
            if seen.insert(g).inserted { work.append(contentsOf: groups[g].parents) }
        }
        return seen
    }

    /// The groups a host belongs to, directly or through a child group, `all` included.
    func groups(ofHost host: Int) -> Set<Int> {
        var result: Set<Int> = []
        for g in hosts[host].directGroups where result.insert(g).inserted {
            result.formUnion(ancestors(of: g))
        }
        return result
    }

    /// The host's groups (without `all`) in the order Ansible merges their variables:
    /// shallow before deep, then by `ansible_group_priority`, then by name.
    func sortedGroups(ofHost host: Int) -> [Int] {
        groups(ofHost: host).filter { $0 != Self.all }.sorted { a, b in
            let ga = groups[a], gb = groups[b]
            if ga.depth != gb.depth { return ga.depth < gb.depth }
            if ga.priority != gb.priority { return ga.priority < gb.priority }
            return ga.name.unicodeScalars.lexicographicallyPrecedes(gb.name.unicodeScalars)
        }
    }

    /// The group and its descendants, level by level, each level in definition order.
    func descendants(of group: Int) -> [Int] {
        var ordered = [group]
        var seen: Set<Int> = [group]
        var level = [group]
        while !level.isEmpty {
            var next: [Int] = []
            for g in level {
                for c in groups[g].children where seen.insert(c).inserted {
                    next.append(c)
                    ordered.append(c)
                }
            }
            level = next
        }
        return ordered
    }

    /// The hosts of a group and of all its descendants, in Ansible's order: the group's own
    /// hosts, then its children's, level by level, each host once.
    func hosts(ofGroup group: Int) -> [Int] {
        var result: [Int] = []
        var seen = [Bool](repeating: false, count: hosts.count)
        for g in descendants(of: group) {
            for h in groups[g].hosts where !seen[h] {
                seen[h] = true
                result.append(h)
            }
        }
        return result
    }
}

/// Where a host was first read from, for its `inventory_file` and `inventory_dir` variables.
struct InventorySourceInfo: Sendable {
    var file: String
    /// The file's directory; nil for a comma-separated host list (Ansible shows "None").
    var directory: String?
}
