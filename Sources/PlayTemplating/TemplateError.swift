/// Why a template or expression could not be rendered. Messages follow Ansible's wording so users
/// can search for them; `hint` says what to do next.
public enum TemplateError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A variable that no layer defines: "'name' is undefined".
    case undefinedVariable(name: String, expression: String)
    /// A missing dict key, list index or attribute: "object of type 'dict' has no attribute 'y'".
    case undefinedAttribute(message: String, expression: String)
    /// The text is not a valid expression or template; `offset` counts characters into `expression`.
    case syntax(message: String, expression: String, offset: Int)
    /// An unknown filter (with "did you mean") or a filter that failed on its input.
    case filter(name: String, message: String)
    /// An unknown test or a test that failed on its input.
    case test(name: String, message: String)
    /// A lookup plugin that is unknown or failed (a missing file, say).
    case lookup(name: String, message: String)
    /// An operation on values of the wrong type, such as `'a' + 1`.
    case type(message: String, expression: String)
    /// A variable whose value refers back to itself, directly or through others.
    case recursion(name: String)
    /// A `when:`-style condition whose result is not a boolean (Ansible 2.19 rejects those).
    case conditional(message: String, expression: String)

    /// Ansible's wording of the problem, without the expression.
    public var message: String {
        switch self {
        case .undefinedVariable(let name, _): return "'\(name)' is undefined"
        case .undefinedAttribute(let message, _): return message
        case .syntax(let message, _, _): return "template syntax error: \(message)"
        case .filter(let name, let message): return "filter '\(name)': \(message)"
        case .test(let name, let message): return "test '\(name)': \(message)"
        case .lookup(let name, let message): return "lookup('\(name)'): \(message)"
        case .type(let message, _): return message
        case .recursion(let name): return "Recursive loop detected in template: variable '\(name)' refers to itself"
        case .conditional(let message, _): return message
        }
    }

    /// The template or expression text the error happened in, when known.
    public var expression: String? {
        switch self {
        case .undefinedVariable(_, let e), .undefinedAttribute(_, let e), .syntax(_, let e, _),
             .type(_, let e), .conditional(_, let e):
            return e.isEmpty ? nil : e
        case .filter, .test, .lookup, .recursion:
            return nil
        }
    }

    /// What the user can do about it.
    public var hint: String? {
        switch self {
        case .undefinedVariable(let name, _):
            return "define '\(name)' (vars, set_fact, register, -e) or give a default: {{ \(name) | default(...) }}"
        case .undefinedAttribute:
            return "check the key name, or guard it with '| default(...)' or 'is defined'"
        case .recursion(let name):
            return "give '\(name)' a value that does not depend on itself"
        case .conditional:
            return "compare explicitly (x | length > 0, x == 'yes') or convert with '| bool'"
        case .syntax:
            return "check quotes, brackets and operators near the marked column"
        default:
            return nil
        }
    }

    public var description: String {
        var text = message
        if let expression { text += " (in \"\(expression)\")" }
        return text
    }

    /// The same error with the expression text filled in where it is still missing.
    func within(_ source: String) -> TemplateError {
        switch self {
        case .undefinedVariable(let n, let e) where e.isEmpty: return .undefinedVariable(name: n, expression: source)
        case .undefinedAttribute(let m, let e) where e.isEmpty: return .undefinedAttribute(message: m, expression: source)
        case .type(let m, let e) where e.isEmpty: return .type(message: m, expression: source)
        case .conditional(let m, let e) where e.isEmpty: return .conditional(message: m, expression: source)
        default: return self
        }
    }
}
