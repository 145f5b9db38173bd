import Foundation
import PlayBase
import OrderedCollections

/// The hosts and groups a run works on, read from Ansible inventories (INI, YAML, folders of
/// them, comma-separated host lists) with their `group_vars/` and `host_vars/`, and changed at
/// run time by `add_host`, `group_by` and launched instances.
///
/// Behaviour follows ansible-core 2.19: group and host order, the `all` and `ungrouped`
/// groups, the implicit `localhost`, host patterns and variable precedence.
public struct Inventory: Sendable {
    var graph: InventoryGraph
    /// Folders whose group_vars/host_vars apply, loaded once each.
    var varsDirectories: [VarsDirectory]
    /// Indices into `varsDirectories`, one per inventory source, in source order.
    var inventoryVarsOrder: [Int]
    /// The playbook's folder, whose group_vars/host_vars win over the inventory's.
    var playbookVars: Int?
    let loader: YAMLLoader

    /// Things worth telling the user that did not stop loading (skipped YAML keys, a host and a
    /// group sharing a name, unreadable vars files for hosts added at run time).
    public private(set) var warnings: [Diagnostic] = []

    /// The names that stand for the machine play runs on; one of them not in the inventory is
    /// the implicit localhost (`ansible_connection: local`, a member of no group, not in `all`).
    public static let localhostNames: Set<String> = HostPatternMatcher.localhostNames

    // MARK: loading

    /// Reads every source in order into one inventory (later sources add hosts and groups and
    /// override variables), then the group_vars/host_vars beside each source and beside the
    /// playbook. A missing source or a malformed file is a Diagnostic; no sources gives the
    /// implicit localhost only.
    /// A plugin source (a YAML file with `plugin:`) is an error here: load with plugins for those.
    public static func load(sources: [String], playbookDirectory: String?, loader: YAMLLoader) throws -> Inventory {
        var sourceLoader = InventorySourceLoader(loader: loader)
        let varsBases = try sourceLoader.loadAll(sources)
        return try finish(sourceLoader, varsBases: varsBases, playbookDirectory: playbookDirectory, loader: loader)
    }

    /// As `load(sources:playbookDirectory:loader:)`, with inventory plugins for the YAML files that
    /// name one (`plugin: amazon.aws.aws_ec2`). Plugin sources are fetched one after another, then
    /// every source is read in order so hosts, groups and variables land as Ansible places them.
    public static func load(sources: [String], playbookDirectory: String?, loader: YAMLLoader,
                            plugins: [any InventoryPlugin]) async throws -> Inventory {
        var sourceLoader = InventorySourceLoader(loader: loader, plugins: plugins)
        var varsBases = try sourceLoader.loadAll(sources)
        if !sourceLoader.pendingPlugins.isEmpty {
            var prepared: [String: any InventoryPopulator] = [:]
            for (plugin, source) in sourceLoader.pendingPlugins where prepared[source.path] == nil {
                prepared[source.path] = try await plugin.prepare(source)
            }
            sourceLoader = InventorySourceLoader(loader: loader, plugins: plugins)
            sourceLoader.prepared = prepared
            varsBases = try sourceLoader.loadAll(sources)
        }
        return try finish(sourceLoader, varsBases: varsBases, playbookDirectory: playbookDirectory, loader: loader)
    }

    private static func finish(_ sourceLoader: InventorySourceLoader, varsBases: [String], playbookDirectory: String?,
                               loader: YAMLLoader) throws -> Inventory {
        var inventory = Inventory(graph: sourceLoader.graph, loader: loader, warnings: sourceLoader.warnings)
        inventory.warnings += inventory.graph.reconcile().map { Diagnostic(.warning, at: nil, $0) }
        inventory.warnInvalidGroupNames()

        for base in varsBases {
            inventory.inventoryVarsOrder.append(inventory.varsDirectoryIndex(base))
        }
        if let playbookDirectory {
            inventory.playbookVars = inventory.varsDirectoryIndex(InventorySourceLoader.absolutePath(playbookDirectory))
        }
        for d in inventory.varsDirectories.indices {
            for group in inventory.graph.groups {
                try inventory.varsDirectories[d].load(group.name, kind: .group, loader: loader)
            }
            for host in inventory.graph.hosts {
                try inventory.varsDirectories[d].load(host.name, kind: .host, loader: loader)
            }
            for name in localhostNames where inventory.graph.hostIndex[name] == nil {
                try inventory.varsDirectories[d].load(name, kind: .host, loader: loader)
            }
        }
        return inventory
    }

    /// An inventory with no hosts: only the implicit localhost answers patterns.
    public static func empty() -> Inventory {
        Inventory(graph: InventoryGraph(), loader: YAMLLoader(), warnings: [])
    }

    init(graph: InventoryGraph, loader: YAMLLoader, warnings: [Diagnostic]) {
        self.graph = graph
        self.varsDirectories = []
        self.inventoryVarsOrder = []
        self.playbookVars = nil
        self.loader = loader
        self.warnings = warnings
    }

    private mutating func varsDirectoryIndex(_ base: String) -> Int {
        if let existing = varsDirectories.firstIndex(where: { $0.base == base }) { return existing }
        varsDirectories.append(VarsDirectory(base: base, warnings: &warnings))
        return varsDirectories.count - 1
    }

    /// Ansible keeps group names with characters that are invalid in variable names, but warns.
    private mutating func warnInvalidGroupNames() {
        let invalid = graph.groups.map(\.name).filter { name in
            guard let first = name.unicodeScalars.first else { return false }
            let word: (Unicode.Scalar) -> Bool = { $0 == "_" || $0.properties.isAlphabetic || $0.properties.numericType != nil }
            return first.properties.numericType != nil || !name.unicodeScalars.allSatisfy(word)
        }
        if !invalid.isEmpty {
            warnings.append(Diagnostic(.warning, at: nil,
                "Invalid characters were found in group names but not replaced: \(invalid.joined(separator: ", "))",
                notes: ["group names work best as variable names: letters, digits and underscores, not starting with a digit"]))
        }
    }

    // MARK: hosts and groups

    /// Every host in `all`, in inventory order (the implicit localhost is not one of them).
    public var hostNames: [String] {
        graph.hosts(ofGroup: InventoryGraph.all).map { graph.hosts[$0].name }
    }

    /// Every group, `all` and `ungrouped` first, then in the order they were declared.
    public var groupNames: [String] { graph.groups.map(\.name) }

    /// True for a host of the inventory (not the implicit localhost).
    public func contains(host: String) -> Bool { graph.hostIndex[host] != nil }

    /// The hosts a pattern selects, in inventory order: `all`, `*`, names, groups, globs,
    /// `~regex`, `a:b` / `a,b` (union), `a:&b` (intersection), `a:!b` (exclusion), and
    /// `group[0]`, `group[-1]`, `group[1:3]` subscripts. A pattern that matches nothing gives
    /// an empty list; an invalid regex or a subscript beyond the group is a Diagnostic.
    public func hosts(matching pattern: String) throws -> [String] {
        try hosts(matching: pattern, limit: nil)
    }

    /// As `hosts(matching:)`, keeping only hosts the `--limit` pattern also selects; the limit
    /// may read patterns from a file with `@FILE`. An empty or nil limit limits nothing.
    public func hosts(matching pattern: String, limit: String?) throws -> [String] {
        let patterns = HostPattern.split(pattern)
        guard !patterns.isEmpty else {
            throw Diagnostic.error(at: nil, "empty host pattern '\(pattern)'",
                                   notes: ["name hosts or groups, or use 'all'"])
        }
        let matcher = HostPatternMatcher(graph: graph)
        var implicitName: String?
        var selected = try matcher.evaluate(patterns, implicitName: &implicitName)
        if let limit {
            let limitPatterns = try HostPatternMatcher.limitPatterns(limit)
            if !limitPatterns.isEmpty {
                let allowed = Set(try matcher.evaluate(limitPatterns, implicitName: &implicitName))
                selected.removeAll { !allowed.contains($0) }
            }
        }
        return selected.map { $0 == matcher.implicitLocalhost ? (implicitName ?? "localhost") : graph.hosts[$0].name }
    }

    /// The parts of a pattern that match no group and no host, which Ansible warns about
    /// ("Could not match supplied host pattern, ignoring: X"). Invalid parts are left to
    /// `hosts(matching:)` to report.
    public func unmatchedPatterns(in pattern: String) -> [String] {
        HostPatternMatcher(graph: graph).unmatched(HostPattern.split(pattern))
    }

    /// The `group_names` of a host: its groups, direct and inherited, sorted, without `all`.
    public func groups(of host: String) -> [String] {
        guard let h = graph.hostIndex[host] else { return [] }
        return graph.groups(ofHost: h).filter { $0 != InventoryGraph.all }.map { graph.groups[$0].name }
            .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }

    /// A host's inventory variables, merged in Ansible's order (later wins, whole values
    /// replaced): `all` vars from inventory files; the host's other groups from inventory files,
    /// shallow before deep, then by `ansible_group_priority`, then by name; `group_vars/all` beside
    /// each inventory source, then beside the playbook; the other groups' `group_vars` likewise;
    /// the host's own inventory vars (with `inventory_file`/`inventory_dir`); `host_vars` beside
    /// the inventory sources, then beside the playbook. Values are raw (not templated).
    public func variables(for host: String) -> OrderedDictionary<String, Value> {
        var result = graph.groups[InventoryGraph.all].vars
        let hostIndex = graph.hostIndex[host]
        if hostIndex == nil && !Self.localhostNames.contains(host) { return [:] }
        let groups = hostIndex.map { graph.sortedGroups(ofHost: $0) } ?? []
        let groupNames = groups.map { graph.groups[$0].name }

        func merge(_ layer: OrderedDictionary<String, Value>?) {
            guard let layer else { return }
            for (k, v) in layer { result[k] = v }
        }
        for g in groups { merge(graph.groups[g].vars) }
        for d in inventoryVarsOrder { merge(varsDirectories[d].vars(for: "all", kind: .group)) }
        if let p = playbookVars { merge(varsDirectories[p].vars(for: "all", kind: .group)) }
        for d in inventoryVarsOrder {
            for name in groupNames { merge(varsDirectories[d].vars(for: name, kind: .group)) }
        }
        if let p = playbookVars {
            for name in groupNames { merge(varsDirectories[p].vars(for: name, kind: .group)) }
        }
        if let h = hostIndex {
            merge(graph.hosts[h].vars)
        } else {
            merge(["ansible_connection": "local"])
        }
        for d in inventoryVarsOrder { merge(varsDirectories[d].vars(for: host, kind: .host)) }
        if let p = playbookVars { merge(varsDirectories[p].vars(for: host, kind: .host)) }
        return result
    }

    /// Every group with its hosts in inventory order, for the `groups` magic variable
    /// (`all` and `ungrouped` included).
    public func groupMembership() -> OrderedDictionary<String, [String]> {
        var result = OrderedDictionary<String, [String]>()
        for g in graph.groups.indices {
            result[graph.groups[g].name] = graph.hosts(ofGroup: g).map { graph.hosts[$0].name }
        }
        return result
    }

    // MARK: run-time changes

    /// `add_host` (and launched instances): a new host joins `all` directly, ahead of the
    /// inventory's other hosts as in Ansible; `variables` are merged into its host variables
    /// (whole values replaced); missing groups are created below `all`.
    public mutating func addHost(_ name: String, groups: [String], variables: OrderedDictionary<String, Value>) {
        let isNew = graph.hostIndex[name] == nil
        let h = graph.addHost(name, to: isNew ? InventoryGraph.all : nil, port: nil, source: nil)
        for (k, v) in variables { graph.setVariable(host: h, k, v) }
        var newGroups: [String] = []
        for group in groups where !group.isEmpty {
            if graph.groupIndex[group] == nil { newGroups.append(group) }
            graph.addHost(h, toGroup: graph.addGroup(group))
        }
        _ = graph.reconcile()
        loadVarsFiles(groups: newGroups, hosts: isNew ? [name] : [])
    }

    /// `group_by` and friends: creates `name` (and any missing parents), places it below each
    /// parent, and merges `variables` into its group variables. A parent that would make a loop
    /// is refused with a warning.
    public mutating func addGroup(_ name: String, parents: [String], variables: OrderedDictionary<String, Value>) {
        var newGroups: [String] = []
        if graph.groupIndex[name] == nil { newGroups.append(name) }
        let g = graph.addGroup(name)
        for parent in parents where !parent.isEmpty {
            if graph.groupIndex[parent] == nil { newGroups.append(parent) }
            let p = graph.addGroup(parent)
            do throws(InventoryGraph.GraphError) {
                try graph.addChild(parent: p, child: g)
            } catch {
                warnings.append(Diagnostic(.warning, at: nil, error.message))
            }
        }
        for (k, v) in variables {
            do throws(InventoryGraph.GraphError) {
                try graph.setVariable(group: g, k, v)
            } catch {
                warnings.append(Diagnostic(.warning, at: nil, error.message))
            }
        }
        _ = graph.reconcile()
        loadVarsFiles(groups: newGroups, hosts: [])
    }

    /// group_vars/host_vars for entities that appeared at run time.
    private mutating func loadVarsFiles(groups: [String], hosts: [String]) {
        for d in varsDirectories.indices {
            do {
                for g in groups { try varsDirectories[d].load(g, kind: .group, loader: loader) }
                for h in hosts { try varsDirectories[d].load(h, kind: .host, loader: loader) }
            } catch let diagnostic as Diagnostic {
                warnings.append(diagnostic)
            } catch {
                warnings.append(Diagnostic(.error, at: nil, "\(error)"))
            }
        }
    }

    // MARK: play order

    /// The values of the play keyword `order`.
    public static let orderValues = ["inventory", "reverse_inventory", "sorted", "reverse_sorted", "shuffle"]

    /// Applies a play's `order:` to hosts already in inventory order. Unknown values keep the
    /// order given: check the keyword against `orderValues` when the play is read.
    public static func order(_ hosts: [String], by order: String) -> [String] {
        var generator = SystemRandomNumberGenerator()
        return Self.order(hosts, by: order, using: &generator)
    }

    /// As `order(_:by:)`, with the random source for `shuffle` given (for repeatable tests).
    public static func order(_ hosts: [String], by order: String, using generator: inout some RandomNumberGenerator) -> [String] {
        let byName: (String, String) -> Bool = { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        switch order {
        case "reverse_inventory": return hosts.reversed()
        case "sorted": return hosts.sorted(by: byName)
        case "reverse_sorted": return hosts.sorted(by: byName).reversed()
        case "shuffle": return hosts.shuffled(using: &generator)
        default: return hosts
        }
    }
}
