import PlayBase

/// A parsed expression. `offset` fields are UTF-8 offsets into the template text, for errors.
indirect enum TemplateExpression: Sendable {
    enum BinaryOperator: String, Sendable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//"
        case modulo = "%", power = "**", concat = "~"
    }

    enum CompareOperator: String, Sendable {
        case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
        case `in` = "in", notIn = "not in"
    }

    /// Arguments of a call, filter or test.
    struct Arguments: Sendable {
        var positional: [TemplateExpression] = []
        var keywords: [(String, TemplateExpression)] = []
        var isEmpty: Bool { positional.isEmpty && keywords.isEmpty }
    }

    case literal(Value)
    case name(String, offset: Int)
    case list([TemplateExpression])
    case dict([(TemplateExpression, TemplateExpression)])
    case attribute(TemplateExpression, String)
    case item(TemplateExpression, TemplateExpression)
    case slice(TemplateExpression, start: TemplateExpression?, stop: TemplateExpression?, step: TemplateExpression?)
    case call(TemplateExpression, Arguments, offset: Int)
    case filter(TemplateExpression, name: String, Arguments, offset: Int)
    case test(TemplateExpression, name: String, Arguments, negated: Bool, offset: Int)
    case negate(TemplateExpression)
    case plus(TemplateExpression)
    case not(TemplateExpression)
    case and(TemplateExpression, TemplateExpression)
    case or(TemplateExpression, TemplateExpression)
    case binary(BinaryOperator, TemplateExpression, TemplateExpression, offset: Int)
    case compare(TemplateExpression, [(CompareOperator, TemplateExpression)], offset: Int)
    case conditional(condition: TemplateExpression, then: TemplateExpression, otherwise: TemplateExpression?)

    /// Whether the expression reads a variable path (`a`, `a.b`, `a['b'][0]`): these are evaluated
    /// lazily, so only the part that is used gets rendered.
    var isPath: Bool {
        switch self {
        case .name, .attribute, .item: return true
        default: return false
        }
    }
}
