import OrderedCollections
import PlayBase

/// Renders Ansible-style Jinja2 templates and expressions over `Value`s.
///
/// Strings in variables that hold templates are rendered when they are used (recursively, with
/// self-reference reported), strings without template syntax cost a byte scan, and parsed text is
/// cached across calls and copies.
public struct Templar: Sendable {
    public var options: TemplarOptions
    let cache: ParseCache

    /// What the variable `omit` evaluates to. Dict entries and list items that render to exactly this
    /// are dropped by `render`, so `param: "{{ x | default(omit) }}"` leaves `param` out.
    public static let omitToken = "__omit_place_holder__d1b2c6b9e6f8a0c4e1f9d3a2b7c5e8f0a1b3c4d5"

    public init(options: TemplarOptions = .init()) {
        self.options = options
        self.cache = ParseCache()
    }

    /// Runs a lookup plugin for a `with_<plugin>` loop: its items. `action` is the task's module,
    /// which tells Ansible's first_found the subfolder to look in (`templates`, `vars`, `files`).
    public func loopQuery(_ plugin: String, terms: [Value], action: String, _ vars: some VariableLookup) throws(TemplateError) -> [Value] {
        let subdirectory = ["template", "var", "file"].first { action.contains($0) } ?? "file"
        return try Lookups.run(plugin, terms: terms, options: [:], evaluator: Evaluator(templar: self, vars: vars),
                               withSubdirectory: subdirectory + "s")
    }

    /// Renders every string inside `value` (dicts, lists recursively). A string that is exactly one
    /// `{{ expr }}` yields the native value (list, dict, int...). Dict entries and list items whose
    /// value is `omit` are dropped.
    public func render(_ value: Value, _ vars: some VariableLookup) throws(TemplateError) -> Value {
        guard Evaluator.containsTemplate(value) else { return value }
        let evaluator = Evaluator(templar: self, vars: vars)
        return try render(value, evaluator)
    }

    private func render(_ value: Value, _ evaluator: Evaluator) throws(TemplateError) -> Value {
        switch value {
        case .string(let s) where Templar.containsTemplate(s):
            return try evaluator.render(text: s, native: true, decodeEscapes: false)
        case .list(let l):
            var out: [Value] = []
            out.reserveCapacity(l.count)
            for item in l {
                let r = try render(item, evaluator)
                if !Self.isOmit(r) { out.append(r) }
            }
            return .list(out)
        case .dict(let d):
            var out = OrderedDictionary<String, Value>()
            out.reserveCapacity(d.count)
            for (k, item) in d {
                let key = Templar.containsTemplate(k)
                    ? try evaluator.render(text: k, native: false, decodeEscapes: false).renderedString : k
                let r = try render(item, evaluator)
                if !Self.isOmit(r) { out[key] = r }
            }
            return .dict(out)
        default:
            return value
        }
    }

    /// Drops list items and dict entries that are `omit`, at any depth (as Ansible 2.19 does with
    /// template results).
    static func removingOmitted(_ v: Value) -> Value {
        switch v {
        case .list(let l):
            guard l.contains(where: { isOmit($0) || $0.listValue != nil || $0.dictValue != nil }) else { return v }
            return .list(l.filter { !isOmit($0) }.map(removingOmitted))
        case .dict(let d):
            guard d.values.contains(where: { isOmit($0) || $0.listValue != nil || $0.dictValue != nil }) else { return v }
            var out = OrderedDictionary<String, Value>()
            for (k, item) in d where !isOmit(item) { out[k] = removingOmitted(item) }
            return .dict(out)
        default:
            return v
        }
    }

    static func isOmit(_ v: Value) -> Bool {
        if case .string(let s) = v { return s == omitToken }
        return false
    }

    /// Renders one string: the native value for a lone `{{ expr }}`, else the text.
    public func renderString(_ text: String, _ vars: some VariableLookup) throws(TemplateError) -> Value {
        guard Templar.containsTemplate(text) else { return .string(text) }
        return try Evaluator(templar: self, vars: vars).render(text: text, native: true, decodeEscapes: false)
    }

    /// A bare expression, as in `when:`, `failed_when:`, `until:`, `changed_when:` (Ansible also
    /// accepts them wrapped in `{{ }}`).
    public func evaluate(_ expression: String, _ vars: some VariableLookup) throws(TemplateError) -> Value {
        let trimmed = expression.trimmingSpaces
        let evaluator = Evaluator(templar: self, vars: vars)
        do throws(TemplateError) {
            if Templar.containsTemplate(trimmed) {
                return try evaluator.render(text: trimmed, native: true, decodeEscapes: false)
            }
            let parsed = try cache.expression(trimmed)
            evaluator.source = trimmed
            return try evaluator.eval(parsed).get()
        } catch .syntax(let message, _, let offset) {
            // Point into the text as the caller gave it, leading blanks included.
            let leading = expression.prefix { $0.isWhitespace }.count
            throw .syntax(message: message, expression: expression, offset: offset + leading)
        } catch {
            throw error.within(trimmed)
        }
    }

    /// A condition: the expression must yield a boolean (Ansible 2.19 rejects other results, so
    /// `when: some_string` is an error rather than a silent truthiness test).
    public func condition(_ expression: String, _ vars: some VariableLookup) throws(TemplateError) -> Bool {
        let result = try evaluate(expression, vars)
        guard case .bool(let b) = result else {
            throw .conditional(message: "Conditional result (\(result.isTruthy ? "True" : "False")) was derived from value of type '\(result.typeName)'. Conditionals must have a boolean result.",
                expression: expression.trimmingSpaces)
        }
        return b
    }

    /// Full template text for the `template` module: `{{ }}`, `{% if/elif/else/endif %}`,
    /// `{% for %}...{% else %}...{% endfor %}` with `loop.*`, `{% set %}`, `{# #}`, `{% raw %}`,
    /// whitespace control and trim_blocks, as Ansible's template module configures Jinja.
    public func renderTemplate(_ text: String, _ vars: some VariableLookup) throws(TemplateError) -> String {
        let evaluator = Evaluator(templar: self, vars: vars)
        return try evaluator.render(text: text, native: false, decodeEscapes: true).renderedString
    }

    /// Whether the text holds template syntax (`{{`, `{%` or `{#`) and so needs rendering.
    public static func containsTemplate(_ text: String) -> Bool {
        if let found = text.utf8.withContiguousStorageIfAvailable(scan) { return found }
        return Array(text.utf8).withUnsafeBufferPointer(scan)
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 2 else { return false }
        var i = 0
        let last = bytes.count - 1
        while i < last {
            if bytes[i] == UInt8(ascii: "{") {
                let next = bytes[i + 1]
                if next == UInt8(ascii: "{") || next == UInt8(ascii: "%") || next == UInt8(ascii: "#") { return true }
            }
            i += 1
        }
        return false
    }
}
