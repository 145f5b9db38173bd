import OrderedCollections
import PlayBase

/// What `ansible-inventory` prints: `--list` (groups with their hosts and children, and every
/// host's variables under `_meta.hostvars`), `--graph` (the tree below a group) and `--host`.
extension Inventory {
    /// Variables `ansible-inventory` never shows (Ansible's INTERNAL_STATIC_VARS).
    static let internalVariables: Set<String> = [
        "ansible_async_path", "ansible_collection_name", "ansible_config_file", "ansible_dependent_role_names",
        "ansible_diff_mode", "ansible_facts", "ansible_forks", "ansible_inventory_sources", "ansible_limit",
        "ansible_play_batch", "ansible_play_hosts", "ansible_play_hosts_all", "ansible_play_role_names",
        "ansible_playbook_python", "ansible_role_name", "ansible_role_names", "ansible_run_tags", "ansible_skip_tags",
        "ansible_verbosity", "ansible_version", "inventory_dir", "inventory_file", "inventory_hostname",
        "inventory_hostname_short", "groups", "group_names", "hostvars", "playbook_dir", "play_hosts", "role_name",
        "role_names", "role_path", "role_uuid",
    ]

    /// A host's variables as `ansible-inventory --host` shows them: merged from its groups,
    /// group_vars and host_vars, without the magic ones.
    public func listedVariables(for host: String) -> OrderedDictionary<String, Value> {
        variables(for: host).filter { !Self.internalVariables.contains($0.key) }
    }

    /// A host's own variables and its host_vars files, as `ansible-inventory --export` shows them.
    public func exportedVariables(for host: String) -> OrderedDictionary<String, Value> {
        guard let h = graph.hostIndex[host] else { return [:] }
        var vars = graph.hosts[h].vars
        for d in inventoryVarsOrder {
            for (k, v) in varsDirectories[d].vars(for: host, kind: .host) ?? [:] { vars[k] = v }
        }
        return vars.filter { !Self.internalVariables.contains($0.key) }
    }

    /// A group's own variables with its group_vars files (and a priority other than 1).
    public func listedGroupVariables(_ name: String) -> OrderedDictionary<String, Value> {
        guard let g = graph.groupIndex[name] else { return [:] }
        var vars = graph.groups[g].vars
        for d in inventoryVarsOrder {
            for (k, v) in varsDirectories[d].vars(for: name, kind: .group) ?? [:] { vars[k] = v }
        }
        if graph.groups[g].priority != 1 { vars["ansible_group_priority"] = .int(graph.groups[g].priority) }
        return vars.filter { !Self.internalVariables.contains($0.key) }
    }

    /// `ansible-inventory --list` as a value (dump it with sorted keys): every group reachable
    /// from `all` with its hosts (those `limit` keeps) and children, empty entries left out, and
    /// `_meta.hostvars` for each host with variables. With `export`, groups carry their own
    /// `vars` and hosts only theirs, not the merged ones.
    public func listing(limit: String? = nil, export: Bool = false) throws -> Value {
        let hosts = try self.hosts(matching: "all", limit: limit).filter { graph.hostIndex[$0] != nil }
        let available = Set(hosts)
        var result = OrderedDictionary<String, Value>()
        var seen: Set<Int> = []
        func format(_ g: Int) {
            var entry = OrderedDictionary<String, Value>()
            if g != InventoryGraph.all {
                let members = graph.groups[g].hosts.map { graph.hosts[$0].name }.filter { available.contains($0) }
                if !members.isEmpty { entry["hosts"] = .list(members.map(Value.string)) }
            }
            let children = graph.groups[g].children
            if !children.isEmpty { entry["children"] = .list(children.map { .string(graph.groups[$0].name) }) }
            if export {
                let vars = listedGroupVariables(graph.groups[g].name)
                if !vars.isEmpty { entry["vars"] = .dict(vars) }
            }
            if !entry.isEmpty { result[graph.groups[g].name] = .dict(entry) }
            for c in children where seen.insert(c).inserted { format(c) }
        }
        format(InventoryGraph.all)
        var hostvars = OrderedDictionary<String, Value>()
        for host in hosts {
            let vars = export ? exportedVariables(for: host) : listedVariables(for: host)
            if !vars.isEmpty { hostvars[host] = .dict(vars) }
        }
        result["_meta"] = .dict(["hostvars": .dict(hostvars), "profile": "inventory_legacy"])
        return .dict(result)
    }

    /// `ansible-inventory --list --yaml` as a value: the tree from `all`, each group with its
    /// `children` and `hosts` mappings, each host's variables given where it first appears.
    public func yamlListing(limit: String? = nil, export: Bool = false) throws -> Value {
        let available = Set(try hosts(matching: "all", limit: limit).filter { graph.hostIndex[$0] != nil })
        var seenHosts: Set<Int> = []
        var seenGroups: Set<Int> = []
        func format(_ g: Int) -> OrderedDictionary<String, Value> {
            var entry = OrderedDictionary<String, Value>()
            var children = OrderedDictionary<String, Value>()
            for c in graph.groups[g].children where c != InventoryGraph.all {
                if seenGroups.contains(c) {
                    children[graph.groups[c].name] = .dict([:])
                } else {
                    for (k, v) in format(c) { children[k] = v }
                    seenGroups.insert(c)
                }
            }
            if !children.isEmpty { entry["children"] = .dict(children) }
            var hosts = OrderedDictionary<String, Value>()
            if g != InventoryGraph.all {
                for h in graph.groups[g].hosts where available.contains(graph.hosts[h].name) {
                    let name = graph.hosts[h].name
                    let first = seenHosts.insert(h).inserted
                    hosts[name] = .dict(first ? (export ? exportedVariables(for: name) : listedVariables(for: name)) : [:])
                }
            }
            if !hosts.isEmpty { entry["hosts"] = .dict(hosts) }
            if export {
                let vars = listedGroupVariables(graph.groups[g].name)
                if !vars.isEmpty { entry["vars"] = .dict(vars) }
            }
            return entry.isEmpty ? [:] : [graph.groups[g].name: .dict(entry)]
        }
        return .dict(format(InventoryGraph.all))
    }

    /// `ansible-inventory --graph [GROUP] [--vars]`: `@group:` lines, children first, then hosts,
    /// each level indented with `  |--`. An unknown group is an error.
    public func graphListing(group: String = "all", showVariables: Bool = false) throws -> String {
        guard let start = graph.groupIndex[group] else {
            throw Diagnostic.error(at: nil, "Pattern must be valid group name when using --graph",
                                   notes: Suggestions.didYouMean(group, in: groupNames))
        }
        var lines: [String] = []
        func name(_ text: String, _ depth: Int) -> String {
            depth == 0 ? text : String(repeating: "  |", count: depth) + "--" + text
        }
        func vars(_ values: OrderedDictionary<String, Value>, _ depth: Int) {
            for key in values.keys.sorted() { lines.append(name("{\(key) = \(values[key]!.renderedString)}", depth)) }
        }
        func walk(_ g: Int, _ depth: Int) {
            lines.append(name("@\(graph.groups[g].name):", depth))
            for c in graph.groups[g].children { walk(c, depth + 1) }
            if g != InventoryGraph.all {
                for h in graph.groups[g].hosts {
                    lines.append(name(graph.hosts[h].name, depth + 1))
                    if showVariables { vars(listedVariables(for: graph.hosts[h].name), depth + 2) }
                }
            }
            if showVariables { vars(listedGroupVariables(graph.groups[g].name), depth + 1) }
        }
        walk(start, 0)
        return lines.joined(separator: "\n")
    }
}
