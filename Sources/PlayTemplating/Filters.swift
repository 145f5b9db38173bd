import PlayBase

/// The filter registry: Jinja's built-in filters and Ansible's common ones, by short name
/// (`ansible.builtin.to_json` resolves to `to_json`).
enum Filters {
    typealias Function = @Sendable (Evaluated, CallArguments, Evaluator) throws(TemplateError) -> Evaluated

    static let table: [String: Function] = {
        var t: [String: Function] = [:]
        for group in [core, strings, collections, regex, encoding, data] {
            t.merge(group) { first, _ in first }
        }
        return t
    }()

    /// Wraps a filter that needs a defined input and returns a value.
    static func plain(_ body: @escaping @Sendable (Value, CallArguments, Evaluator) throws(TemplateError) -> Value) -> Function {
        { (input, args, ev) throws(TemplateError) in .value(try body(try input.get(), args, ev)) }
    }

    /// A string filter: the input as text.
    static func text(_ body: @escaping @Sendable (String, CallArguments) throws(TemplateError) -> Value) -> Function {
        { (input, args, _) throws(TemplateError) in .value(try body(try input.get().renderedString, args)) }
    }

    /// The items of a list-like input (dict keys and string characters too, as Python iterates).
    static func items(_ v: Value, _ args: CallArguments) throws(TemplateError) -> [Value] {
        do {
            return try Python.iterate(v)
        } catch {
            throw args.error("expected a list, got \(v.typeName)")
        }
    }

    /// Follows a Jinja attribute path such as `a.b.0` into a value.
    static func attribute(_ v: Value, _ path: String) throws(TemplateError) -> Value? {
        var current = v
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            let key: Value = Int(part).map { .int($0) } ?? .string(String(part))
            if let member = Evaluator.member(current, String(part)) {
                current = member
            } else if let member = try Evaluator.item(current, key) {
                current = member
            } else {
                return nil
            }
        }
        return current
    }
}
