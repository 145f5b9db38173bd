import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `set_fact`: host variables for the rest of the run (above play and task vars, below extra vars);
/// with `cacheable: true` also facts (`ansible_facts.<name>`, in hostvars), as Ansible's fact cache.
public struct SetFactModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "set_fact", freeForm: .keyValue, acceptsAnyArguments: true,
                                 traits: .controller)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        var facts = context.args
        let cacheable = facts.removeValue(forKey: "cacheable")?.isTruthy ?? false
        facts.removeValue(forKey: "_raw_params")
        if facts.isEmpty {
            return .failed("No key/value pairs provided, at least one is required for this action to succeed")
        }
        for key in facts.keys where !Self.isIdentifier(key) {
            return .failed("The variable name '\(key)' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.")
        }
        var result = TaskResult(["ansible_facts": .dict(facts), "changed": false])
        if cacheable { result["_ansible_facts_cacheable"] = true }
        return result
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}
