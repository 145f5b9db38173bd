import OrderedCollections
import PlayBase

/// Gathered facts as variables (Ansible's INJECT_FACTS_AS_VARS, on by default): each
/// `ansible_<name>` a module returned stays a top-level variable, and `ansible_facts` holds them
/// all under their bare names. Facts from a later `setup` are merged over earlier ones.
enum HostFacts {
    static func merging(_ returned: OrderedDictionary<String, Value>,
                        into layer: OrderedDictionary<String, Value>) -> OrderedDictionary<String, Value> {
        var layer = layer
        var namespaced = layer["ansible_facts"]?.dictValue ?? [:]
        for (key, value) in returned where key != "ansible_facts" {
            layer[key] = value
            namespaced[key.hasPrefix("ansible_") ? String(key.dropFirst("ansible_".count)) : key] = value
        }
        layer["ansible_facts"] = .dict(namespaced)
        return layer
    }
}
