import OrderedCollections
import PlayBase
import PlayLanguage

/// `module_defaults` as Ansible's `get_action_args_with_defaults` applies them: the levels
/// (play → blocks → task) update one mapping in turn, then the module's groups' defaults, then
/// the module's own, then the task's arguments on top. Values are rendered with the arguments.
enum ModuleDefaults {
    static func arguments(_ args: OrderedDictionary<String, Value>, levels: [OrderedDictionary<String, Value>],
                          spec: ModuleSpec) -> OrderedDictionary<String, Value> {
        guard !levels.isEmpty else { return args }
        var defaults: OrderedDictionary<String, Value> = [:]
        for level in levels { defaults.merge(level) { _, inner in inner } }
        var merged: OrderedDictionary<String, Value> = [:]
        for (key, value) in defaults where key.hasPrefix("group/") && spec.groups.contains(String(key.dropFirst(6))) {
            merged.merge(value.dictValue ?? [:]) { _, new in new }
        }
        merged.merge(defaults[spec.name]?.dictValue ?? [:]) { _, new in new }
        guard !merged.isEmpty else { return args }
        // A default given under an alias must not sit beside the task's own spelling of the argument.
        for key in args.keys {
            guard let argument = spec.argument(named: key) else { continue }
            for name in [argument.name] + argument.aliases where name != key { merged.removeValue(forKey: name) }
        }
        merged.merge(args) { _, own in own }
        return merged
    }
}
