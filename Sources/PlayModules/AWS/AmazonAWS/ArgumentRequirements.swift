import PlayBase
import PlayExecutor

/// Ansible's `required_if` and `required_by` for the modules whose specs declare them, checked
/// when the module runs, with AnsibleModule's messages.
enum ArgumentRequirements {
    /// When `key` is `value`, every one of `names` (or with `any`, at least one) must be given.
    static func requireIf(_ context: ModuleContext, _ key: String, _ value: String, _ names: [String], any: Bool = false) throws(AWSModuleError) {
        guard let given = context.args[key], !given.isNull, EC2Filters.text(given) == value else { return }
        let missing = names.filter { context.args[$0].map(\.isNull) ?? true }
        if any ? missing.count == names.count : !missing.isEmpty {
            throw AWSModuleError("\(key) is \(value) but \(any ? "any" : "all") of the following are missing: \(missing.joined(separator: ", "))")
        }
    }

    /// When `key` is given, each of `names` must be too.
    static func requireBy(_ context: ModuleContext, _ key: String, _ names: [String]) throws(AWSModuleError) {
        guard let given = context.args[key], !given.isNull else { return }
        let missing = names.filter { context.args[$0].map(\.isNull) ?? true }
        if !missing.isEmpty { throw AWSModuleError("missing parameter(s) required by '\(key)': \(missing.joined(separator: ", "))") }
    }
}
