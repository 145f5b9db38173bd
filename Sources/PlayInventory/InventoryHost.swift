import OrderedCollections
import PlayBase

/// A host as the inventory files describe it: its own variables and the groups that list it.
struct InventoryHost: Sendable {
    var name: String
    /// Variables set on the host itself (inline INI vars, YAML host vars, `add_host` vars).
    var vars: OrderedDictionary<String, Value> = [:]
    /// Indices of the groups that name this host directly, in the order they did.
    var directGroups: [Int] = []

    init(name: String) { self.name = name }
}
