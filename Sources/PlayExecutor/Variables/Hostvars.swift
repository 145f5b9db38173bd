import OrderedCollections
import PlayBase
import PlayInventory

/// Builds `hostvars` (every host's inventory variables and facts) when a template first asks for it.
enum HostvarsSource {
    static func build(inventory: Inventory, facts: [String: OrderedDictionary<String, Value>]) -> Value {
        var all: OrderedDictionary<String, Value> = [:]
        for host in inventory.hostNames {
            var vars = inventory.variables(for: host)
            vars["inventory_hostname"] = .string(host)
            vars["group_names"] = .list(inventory.groups(of: host).map(Value.string))
            vars.merge(facts[host] ?? [:]) { _, new in new }
            all[host] = .dict(vars)
        }
        for (host, f) in facts where all[host] == nil { all[host] = .dict(f) }
        return .dict(all)
    }
}

/// Holds the current `hostvars` snapshot of a play; cleared whenever facts or inventory change.
final class HostvarsCache {
    var snapshot: HostvarsSnapshot?
}
