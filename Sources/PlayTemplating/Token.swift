/// One lexical token of an expression; `start` and `end` are UTF-8 offsets into the source.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        case op(Operator)
        /// The closing delimiter of the tag the expression sits in (`}}` or `%}`), or the end of text.
        case end
    }

    enum Operator: String, Sendable, CaseIterable {
        case plus = "+", minus = "-", star = "*", power = "**", slash = "/", floorDiv = "//"
        case percent = "%", tilde = "~", pipe = "|", dot = ".", comma = ",", colon = ":"
        case assign = "=", equal = "==", notEqual = "!=", less = "<", lessEqual = "<="
        case greater = ">", greaterEqual = ">=", lparen = "(", rparen = ")"
        case lbracket = "[", rbracket = "]", lbrace = "{", rbrace = "}"
    }

    var kind: Kind
    var start: Int
    var end: Int

    var name: String? { if case .name(let n) = kind { return n }; return nil }

    func isName(_ word: String) -> Bool { if case .name(let n) = kind { return n == word }; return false }

    func isOp(_ op: Operator) -> Bool { if case .op(let o) = kind { return o == op }; return false }

    /// How the token reads in an error message, in Jinja's words.
    var display: String {
        switch kind {
        case .name(let n): return "'\(n)'"
        case .string: return "string"
        case .integer(let i): return "'\(i)'"
        case .float(let d): return "'\(d)'"
        case .op(let o): return "'\(o.rawValue)'"
        case .end: return "end of expression"
        }
    }
}
