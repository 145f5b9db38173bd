import PlayBase

/// Recursive-descent parser for Jinja2 expressions. Binary operators are climbed by precedence from
/// one table; the levels and their order are Jinja's (`or` < `and` < `not` < comparisons < `+ -` <
/// `~` < `* / // %` < `**` < unary minus < filters, tests and postfix).
struct ExpressionParser {
    private enum Level: Int, CaseIterable {
        case additive, concat, multiplicative, power
        var next: Level? { Level(rawValue: rawValue + 1) }
    }

    private static let binaryTable: [Level: [Token.Operator: TemplateExpression.BinaryOperator]] = [
        .additive: [.plus: .add, .minus: .subtract],
        .concat: [.tilde: .concat],
        .multiplicative: [.star: .multiply, .slash: .divide, .floorDiv: .floorDivide, .percent: .modulo],
        .power: [.power: .power],
    ]

    private static let compareTable: [Token.Operator: TemplateExpression.CompareOperator] = [
        .equal: .equal, .notEqual: .notEqual, .less: .less, .lessEqual: .lessEqual,
        .greater: .greater, .greaterEqual: .greaterEqual,
    ]

    let tokens: [Token]
    var index = 0
    let source: String
    let bytes: [UInt8]
    /// How deep the tree under construction goes here: nested brackets, unary operators and
    /// chains of binary operators, filters and postfixes (each link is one level of the tree).
    private var depth = 0
    /// The evaluator and the tree itself are recursive: deeper expressions are refused (Jinja
    /// itself stops at Python's recursion limit).
    static let maxDepth = 200

    init(tokens: [Token], source: String, bytes: [UInt8]) {
        self.tokens = tokens
        self.source = source
        self.bytes = bytes
    }

    var current: Token { tokens[index] }
    var atEnd: Bool { if case .end = current.kind { return true }; return false }

    mutating func advance() -> Token {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    /// One level deeper for as long as the caller's scope (or loop) lasts.
    private mutating func deeper() throws(TemplateError) {
        depth += 1
        if depth > Self.maxDepth {
            throw fail("the expression nests more than \(Self.maxDepth) levels deep (brackets, operators or filters in a row);"
                + " split it with set_fact or vars")
        }
    }

    func fail(_ message: String, at token: Token? = nil) -> TemplateError {
        let t = token ?? current
        return .syntax(message: message, expression: source, offset: Lexer.characterOffset(bytes, t.start))
    }

    func unexpected(_ expected: String? = nil) -> TemplateError {
        let found = atEnd ? "end of print statement" : current.display
        if let expected { return fail("expected \(expected), got \(found)") }
        return fail("unexpected \(found)")
    }

    mutating func expect(_ op: Token.Operator) throws(TemplateError) {
        guard current.isOp(op) else { throw unexpected("'\(op.rawValue)'") }
        _ = advance()
    }

    mutating func expectEnd() throws(TemplateError) {
        guard atEnd else { throw unexpected() }
    }

    mutating func expectName() throws(TemplateError) -> String {
        guard let n = current.name else { throw unexpected("a name") }
        _ = advance()
        return n
    }

    // MARK: Expressions

    /// A full expression, including `x if c else y`.
    mutating func parseExpression(allowConditional: Bool = true) throws(TemplateError) -> TemplateExpression {
        let value = try parseOr()
        guard allowConditional, current.isName("if") else { return value }
        _ = advance()
        let condition = try parseOr()
        var otherwise: TemplateExpression?
        if current.isName("else") {
            _ = advance()
            otherwise = try parseExpression()
        }
        return .conditional(condition: condition, then: value, otherwise: otherwise)
    }

    /// Comma-separated expressions without brackets become a list (Python tuple), as in `{% set a, b = 1, 2 %}`.
    mutating func parseTupleOrExpression() throws(TemplateError) -> TemplateExpression {
        let first = try parseExpression()
        guard current.isOp(.comma) else { return first }
        var items = [first]
        while current.isOp(.comma) {
            _ = advance()
            if atEnd { break }
            items.append(try parseExpression())
        }
        return .list(items)
    }

    mutating func parseOr() throws(TemplateError) -> TemplateExpression {
        let outer = depth
        defer { depth = outer }
        var left = try parseAnd()
        while current.isName("or") {
            _ = advance()
            try deeper()
            left = .or(left, try parseAnd())
        }
        return left
    }

    mutating func parseAnd() throws(TemplateError) -> TemplateExpression {
        let outer = depth
        defer { depth = outer }
        var left = try parseNot()
        while current.isName("and") {
            _ = advance()
            try deeper()
            left = .and(left, try parseNot())
        }
        return left
    }

    mutating func parseNot() throws(TemplateError) -> TemplateExpression {
        let outer = depth
        defer { depth = outer }
        try deeper()
        if current.isName("not") {
            _ = advance()
            return .not(try parseNot())
        }
        return try parseCompare()
    }

    mutating func parseCompare() throws(TemplateError) -> TemplateExpression {
        let start = current.start
        let left = try parseBinary(.additive)
        var chain: [(TemplateExpression.CompareOperator, TemplateExpression)] = []
        while true {
            if case .op(let o) = current.kind, let op = Self.compareTable[o] {
                _ = advance()
                chain.append((op, try parseBinary(.additive)))
            } else if current.isName("in") {
                _ = advance()
                chain.append((.in, try parseBinary(.additive)))
            } else if current.isName("not"), index + 1 < tokens.count, tokens[index + 1].isName("in") {
                _ = advance(); _ = advance()
                chain.append((.notIn, try parseBinary(.additive)))
            } else {
                break
            }
        }
        return chain.isEmpty ? left : .compare(left, chain, offset: start)
    }

    private mutating func parseBinary(_ level: Level) throws(TemplateError) -> TemplateExpression {
        let start = current.start
        let outer = depth
        defer { depth = outer }
        var left = try operand(after: level)
        let table = Self.binaryTable[level]!
        while case .op(let o) = current.kind, let op = table[o] {
            _ = advance()
            try deeper()
            let right = try operand(after: level)
            left = .binary(op, left, right, offset: start)
        }
        return left
    }

    private mutating func operand(after level: Level) throws(TemplateError) -> TemplateExpression {
        if let next = level.next { return try parseBinary(next) }
        return try parseUnary(withFilters: true)
    }

    mutating func parseUnary(withFilters: Bool) throws(TemplateError) -> TemplateExpression {
        let outer = depth
        defer { depth = outer }
        try deeper()
        var node: TemplateExpression
        if current.isOp(.minus) {
            _ = advance()
            node = .negate(try parseUnary(withFilters: false))
        } else if current.isOp(.plus) {
            _ = advance()
            node = .plus(try parseUnary(withFilters: false))
        } else {
            node = try parsePostfix(try parsePrimary())
        }
        if withFilters { node = try parseFilterChain(node) }
        return node
    }

    mutating func parsePrimary() throws(TemplateError) -> TemplateExpression {
        let token = current
        switch token.kind {
        case .name(let n):
            _ = advance()
            switch n {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.null)
            default: return .name(n, offset: token.start)
            }
        case .string(var s):
            _ = advance()
            while case .string(let more) = current.kind {
                s += more
                _ = advance()
            }
            return .literal(.string(s))
        case .integer(let i):
            _ = advance()
            return .literal(.int(i))
        case .float(let d):
            _ = advance()
            return .literal(.double(d))
        case .op(.lparen):
            _ = advance()
            if current.isOp(.rparen) { _ = advance(); return .list([]) }
            let first = try parseExpression()
            if current.isOp(.rparen) { _ = advance(); return first }
            var items = [first]
            while current.isOp(.comma) {
                _ = advance()
                if current.isOp(.rparen) { break }
                items.append(try parseExpression())
            }
            try expect(.rparen)
            return .list(items)
        case .op(.lbracket):
            _ = advance()
            var items: [TemplateExpression] = []
            while !current.isOp(.rbracket) {
                if !items.isEmpty { try expect(.comma) }
                if current.isOp(.rbracket) { break }
                items.append(try parseExpression())
            }
            _ = advance()
            return .list(items)
        case .op(.lbrace):
            _ = advance()
            var pairs: [(TemplateExpression, TemplateExpression)] = []
            while !current.isOp(.rbrace) {
                if !pairs.isEmpty { try expect(.comma) }
                if current.isOp(.rbrace) { break }
                let key = try parseExpression()
                try expect(.colon)
                pairs.append((key, try parseExpression()))
            }
            _ = advance()
            return .dict(pairs)
        default:
            throw unexpected()
        }
    }

    mutating func parsePostfix(_ base: TemplateExpression) throws(TemplateError) -> TemplateExpression {
        let outer = depth
        defer { depth = outer }
        var node = base
        while true {
            try deeper()
            if current.isOp(.dot) {
                _ = advance()
                switch current.kind {
                case .name(let n):
                    _ = advance()
                    node = .attribute(node, n)
                case .integer(let i):
                    _ = advance()
                    node = .item(node, .literal(.int(i)))
                default:
                    throw unexpected("an attribute name")
                }
            } else if current.isOp(.lbracket) {
                _ = advance()
                node = try parseSubscript(node)
            } else if current.isOp(.lparen) {
                let start = current.start
                node = .call(node, try parseCallArguments(), offset: start)
            } else {
                return node
            }
        }
    }

    private mutating func parseSubscript(_ base: TemplateExpression) throws(TemplateError) -> TemplateExpression {
        var parts: [TemplateExpression?] = [nil]
        var isSlice = false
        while !current.isOp(.rbracket) {
            if current.isOp(.colon) {
                isSlice = true
                _ = advance()
                parts.append(nil)
                guard parts.count <= 3 else { throw unexpected("']'") }
                continue
            }
            guard parts[parts.count - 1] == nil else { throw unexpected("']'") }
            parts[parts.count - 1] = try parseExpression()
        }
        _ = advance()
        if !isSlice {
            guard let index = parts[0] else { throw fail("expected an index expression") }
            return .item(base, index)
        }
        while parts.count < 3 { parts.append(nil) }
        return .slice(base, start: parts[0], stop: parts[1], step: parts[2])
    }

    mutating func parseCallArguments() throws(TemplateError) -> TemplateExpression.Arguments {
        try expect(.lparen)
        var args = TemplateExpression.Arguments()
        while !current.isOp(.rparen) {
            if !args.isEmpty { try expect(.comma) }
            if current.isOp(.rparen) { break }
            if let n = current.name, index + 1 < tokens.count, tokens[index + 1].isOp(.assign) {
                _ = advance(); _ = advance()
                args.keywords.append((n, try parseExpression()))
            } else {
                guard args.keywords.isEmpty else { throw fail("positional argument follows keyword argument") }
                args.positional.append(try parseExpression())
            }
        }
        _ = advance()
        return args
    }

    private mutating func parseFilterChain(_ base: TemplateExpression) throws(TemplateError) -> TemplateExpression {
        let outer = depth
        defer { depth = outer }
        var node = base
        while true {
            try deeper()
            if current.isOp(.pipe) {
                _ = advance()
                let nameToken = current
                var name = try expectName()
                while current.isOp(.dot) {
                    _ = advance()
                    name += "." + (try expectName())
                }
                let filterName = Self.shortName(name)
                guard Filters.table[filterName] != nil else {
                    let notes = Suggestions.closest(to: filterName, in: Filters.table.keys).map { " Did you mean '\($0)'?" } ?? ""
                    throw TemplateError.filter(name: filterName, message: "No filter named '\(name)'.\(notes)")
                }
                let args = current.isOp(.lparen) ? try parseCallArguments() : TemplateExpression.Arguments()
                node = .filter(node, name: filterName, args, offset: nameToken.start)
            } else if current.isName("is") {
                _ = advance()
                var negated = false
                if current.isName("not") { _ = advance(); negated = true }
                let nameToken = current
                var name = try expectName()
                while current.isOp(.dot) {
                    _ = advance()
                    name += "." + (try expectName())
                }
                let testName = Self.shortName(name)
                guard TestFunctions.table[testName] != nil else {
                    let notes = Suggestions.closest(to: testName, in: TestFunctions.table.keys).map { " Did you mean '\($0)'?" } ?? ""
                    throw TemplateError.test(name: testName, message: "No test named '\(name)'.\(notes)")
                }
                var args = TemplateExpression.Arguments()
                if current.isOp(.lparen) {
                    args = try parseCallArguments()
                } else if startsBareTestArgument {
                    args.positional = [try parsePostfix(try parsePrimary())]
                }
                node = .test(node, name: testName, args, negated: negated, offset: nameToken.start)
            } else if current.isOp(.lparen) {
                let start = current.start
                node = .call(node, try parseCallArguments(), offset: start)
            } else {
                return node
            }
        }
    }
}
