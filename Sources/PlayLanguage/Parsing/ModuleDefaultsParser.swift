import OrderedCollections
import PlayBase

extension ParseSession {
    /// `module_defaults:` a mapping of module (short name, FQCN or alias) or `group/NAME` to a
    /// mapping of arguments; keys are normalized to the catalog's name so lookups at run time
    /// need no resolution. Values stay raw: they are templated with the task's arguments.
    func moduleDefaults(_ node: YAMLNode, _ file: SourceFile) -> OrderedDictionary<String, Value>? {
        moduleDefaultsInUse = true
        guard let v = value(node, file) else { return nil }
        let entries: [Value]
        switch v {
        case .null: return nil
        case .dict: entries = [v]
        // Ansible also takes a list of such mappings, merged in order.
        case .list(let l): entries = l
        default:
            error(location(node, file), "'module_defaults' must be a mapping of module names to their default arguments, not \(Self.describe(v))")
            return nil
        }
        var normalized: OrderedDictionary<String, Value> = [:]
        for entry in entries {
            guard case .dict(let d) = entry else {
                error(location(node, file), "each entry of 'module_defaults' must be a mapping, not \(Self.describe(entry))")
                continue
            }
            for (key, arguments) in d {
                guard case .dict = arguments else {
                    error(location(node, file), "the defaults for '\(key)' in 'module_defaults' must be a mapping of arguments, not \(Self.describe(arguments))")
                    continue
                }
                normalized[Self.moduleDefaultsKey(key, catalog: catalog)] = arguments
            }
        }
        return normalized
    }

    /// `group/amazon.aws.aws` → `group/aws`; `ansible.builtin.command` → `command`; an alias → its module.
    static func moduleDefaultsKey(_ key: String, catalog: any ModuleCatalog) -> String {
        if key.hasPrefix("group/") {
            return "group/" + (key.dropFirst(6).split(separator: ".").last.map(String.init) ?? "")
        }
        let short = KeywordTable.shortName(key)
        return catalog.spec(named: short)?.name ?? short
    }
}
