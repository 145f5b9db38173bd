import OrderedCollections
import PlayBase
import PlayTemplating

/// The variables that decide how to reach a host (ansible_host, ansible_port, ansible_user, ...),
/// rendered, since inventories often template them.
enum ConnectionVariables {
    static func render(from vars: TaskVariables, templar: Templar) throws -> OrderedDictionary<String, Value> {
        var names: OrderedSet<String> = []
        for layer in vars.layers {
            for key in layer.keys where key.hasPrefix("ansible_") || key == "host_key_checking" { names.append(key) }
        }
        var out: OrderedDictionary<String, Value> = [:]
        for name in names {
            if let v = vars.lookup(name) { out[name] = try templar.render(v, vars) }
        }
        return out
    }
}
