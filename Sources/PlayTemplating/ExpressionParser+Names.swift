/// Names and lookahead the filter and test chains use.
extension ExpressionParser {
    /// `x is divisibleby 3`, `x is sameas false`: one argument without parentheses, as Jinja allows.
    var startsBareTestArgument: Bool {
        switch current.kind {
        case .name(let n): return !["else", "or", "and", "if", "is", "in", "not"].contains(n)
        case .string, .integer, .float: return true
        case .op(let o): return o == .lbracket || o == .lbrace
        case .end: return false
        }
    }

    /// `ansible.builtin.to_json` and `community.general.x` resolve by their last part.
    static func shortName(_ name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }
}
