import PlayBase

/// Jinja's undefined: what an expression yields for a missing variable, key or index. It is a value
/// only inside evaluation: `default`, `is defined` and friends can look at it; using it any other
/// way raises the error it remembers.
struct Undefined: Sendable {
    enum Reason: Sendable {
        /// The first undefined name of the path (`x` in `x.y.z`).
        case variable(String)
        /// A missing key, index or attribute, in Ansible's words.
        case attribute(String)
        /// Something else that yields undefined (`[] | first`).
        case other(String)
        /// Jinja's plain undefined (an inline `if` without `else` that was false): prints as
        /// nothing inside text, but is still not a value.
        case silent(String)
    }

    var printsAsEmpty: Bool { if case .silent = reason { return true }; return false }

    var reason: Reason

    static func variable(_ name: String) -> Undefined { Undefined(reason: .variable(name)) }
    static func attribute(_ message: String) -> Undefined { Undefined(reason: .attribute(message)) }
    static func missingAttribute(of value: Value, _ attribute: String) -> Undefined {
        .attribute("object of type '\(value.typeName)' has no attribute '\(attribute)'")
    }
    static func missingItem(of value: Value, _ key: Value) -> Undefined {
        let shown = key.stringValue.map { "'\($0)'" } ?? key.pythonRepr
        return .attribute("object of type '\(value.typeName)' has no attribute \(shown)")
    }

    var error: TemplateError {
        switch reason {
        case .variable(let name): return .undefinedVariable(name: name, expression: "")
        case .attribute(let message), .other(let message), .silent(let message):
            return .undefinedAttribute(message: message, expression: "")
        }
    }

    /// The text `mandatory` and friends use to name what is missing.
    var name: String {
        switch reason {
        case .variable(let name): return name
        case .attribute(let message), .other(let message), .silent(let message): return message
        }
    }
}

/// The result of evaluating an expression.
enum Evaluated: Sendable {
    case value(Value)
    case undefined(Undefined)

    var isDefined: Bool { if case .value = self { return true }; return false }

    /// The value, or the undefined error.
    func get() throws(TemplateError) -> Value {
        switch self {
        case .value(let v): return v
        case .undefined(let u): throw u.error
        }
    }

    var valueIfDefined: Value? { if case .value(let v) = self { return v }; return nil }
}

extension TemplateError {
    /// The undefined that this error describes, for errors raised while rendering a variable lazily
    /// (so `x.key | default(...)` still works when `x.key` refers to something undefined).
    var asUndefined: Undefined? {
        switch self {
        case .undefinedVariable(let name, _): return .variable(name)
        case .undefinedAttribute(let message, _): return .attribute(message)
        default: return nil
        }
    }
}
