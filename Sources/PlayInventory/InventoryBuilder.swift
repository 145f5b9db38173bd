import OrderedCollections
import PlayBase

/// What an inventory plugin may do to the inventory while it populates it, in the words of
/// Ansible's `InventoryData` (`add_group`, `add_host`, `add_child`, `set_variable`): hosts it adds
/// get `inventory_file`/`inventory_dir` of the plugin's file.
public struct InventoryBuilder: Sendable {
    var graph: InventoryGraph
    let source: InventorySourceInfo
    public private(set) var warnings: [Diagnostic] = []

    init(graph: InventoryGraph, source: InventorySourceInfo) {
        self.graph = graph
        self.source = source
    }

    /// Creates the group when new; returns its name.
    @discardableResult
    public mutating func addGroup(_ name: String) -> String {
        _ = graph.addGroup(name)
        return name
    }

    /// Adds the host (when new) and places it in `group` (created when new).
    public mutating func addHost(_ name: String, group: String? = nil) {
        _ = graph.addHost(name, to: group.map { graph.addGroup($0) }, port: nil, source: source)
    }

    /// Puts `child` below `parent`: a group becomes a child group, a host a member. A child that is
    /// neither, or a loop, is an error as in Ansible.
    public mutating func addChild(_ parent: String, _ child: String) throws {
        guard let p = graph.groupIndex[parent] else {
            throw Diagnostic.error(at: .synthetic(source.file), "group '\(parent)' is not in the inventory")
        }
        if let c = graph.groupIndex[child] {
            do throws(InventoryGraph.GraphError) {
                try graph.addChild(parent: p, child: c)
            } catch {
                throw Diagnostic.error(at: .synthetic(source.file), error.message)
            }
        } else if let h = graph.hostIndex[child] {
            graph.addHost(h, toGroup: p)
        } else {
            throw Diagnostic.error(at: .synthetic(source.file), "'\(child)' is neither a group nor a host of the inventory")
        }
    }

    public mutating func setVariable(host: String, _ key: String, _ value: Value) {
        guard let h = graph.hostIndex[host] else { return }
        graph.setVariable(host: h, key, value)
    }

    public func containsGroup(_ name: String) -> Bool { graph.groupIndex[name] != nil }

    /// A host's own variables with the magic ones Ansible's `Host.get_vars()` adds
    /// (`inventory_hostname`, `inventory_hostname_short`, `group_names`), as constructed
    /// features see them.
    public func hostVariables(_ host: String) -> OrderedDictionary<String, Value> {
        guard let h = graph.hostIndex[host] else { return [:] }
        var vars = graph.hosts[h].vars
        vars["inventory_hostname"] = .string(host)
        vars["inventory_hostname_short"] = .string(String(host.split(separator: ".", maxSplits: 1).first ?? Substring(host)))
        let names = graph.groups(ofHost: h).filter { $0 != InventoryGraph.all && $0 != InventoryGraph.ungrouped }
            .map { graph.groups[$0].name }.sorted()
        vars["group_names"] = .list(names.map(Value.string))
        return vars
    }

    public mutating func warn(_ message: String) {
        warnings.append(Diagnostic(.warning, at: .synthetic(source.file), message))
    }
}
