import PlayBase

/// A parsed expression. `offset` fields are UTF-8 offsets into the template text, for errors.
indirect enum Expression: Sendable {
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
        var positional: [Expression] = []
        var keywords: [(String, Expression)] = []
        var isEmpty: Bool { positional.isEmpty && keywords.isEmpty }
    }

    case literal(Value)
    case name(String, offset: Int)
    case list([Expression])
    case dict([(Expression, Expression)])
    case attribute(Expression, String)
    case item(Expression, Expression)
    case slice(Expression, start: Expression?, stop: Expression?, step: Expression?)
    case call(Expression, Arguments, offset: Int)
    case filter(Expression, name: String, Arguments, offset: Int)
    case test(Expression, name: String, Arguments, negated: Bool, offset: Int)
    case negate(Expression)
    case plus(Expression)
    case not(Expression)
    case and(Expression, Expression)
    case or(Expression, Expression)
    case binary(BinaryOperator, Expression, Expression, offset: Int)
    case compare(Expression, [(CompareOperator, Expression)], offset: Int)
    case conditional(condition: Expression, then: Expression, otherwise: Expression?)

    /// Whether the expression reads a variable path (`a`, `a.b`, `a['b'][0]`): these are evaluated
    /// lazily, so only the part that is used gets rendered.
    var isPath: Bool {
        switch self {
        case .name, .attribute, .item: return true
        default: return false
        }
    }
}
