import OrderedCollections
import PlayBase

/// A group: its own hosts, its child and parent groups, its variables and the two numbers
/// Ansible orders group variables by (depth below `all`, then `ansible_group_priority`).
struct InventoryGroup: Sendable {
    var name: String
    /// Indices of the hosts listed in this group directly, in inventory order.
    var hosts: [Int] = []
    var hostSet: Set<Int> = []
    var children: [Int] = []
    var parents: [Int] = []
    var vars: OrderedDictionary<String, Value> = [:]
    var depth = 0
    var priority = 1

    init(name: String) { self.name = name }
}
