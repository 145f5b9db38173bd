import Synchronization

/// Parsed templates and expressions by their text, shared by every copy of a `Templar` and safe
/// to use from many tasks at once: rendering the same text again costs no parsing.
final class ParseCache: Sendable {
    private struct Key: Hashable {
        var text: String
        var kind: UInt8
    }

    private enum Entry: Sendable {
        case template(Template)
        case expression(TemplateExpression)
    }

    private let entries = Mutex<[Key: Entry]>([:])
    /// Generated text (loop items rendered into names, say) could grow the cache without bound;
    /// past this many entries it starts afresh.
    static let limit = 20_000

    private static let templateKind: UInt8 = 0
    private static let templateEscapesKind: UInt8 = 1
    private static let expressionKind: UInt8 = 2

    func template(_ text: String, decodeEscapes: Bool) throws(TemplateError) -> Template {
        let key = Key(text: text, kind: decodeEscapes ? Self.templateEscapesKind : Self.templateKind)
        if case .template(let t)? = entries.withLock({ $0[key] }) { return t }
        let template = try TemplateParser(source: text, decodeEscapes: decodeEscapes).parse()
        store(key, .template(template))
        return template
    }

    func expression(_ text: String) throws(TemplateError) -> TemplateExpression {
        let key = Key(text: text, kind: Self.expressionKind)
        if case .expression(let e)? = entries.withLock({ $0[key] }) { return e }
        let bytes = Array(text.utf8)
        let lexer = Lexer(bytes: bytes, decodeEscapes: false, source: text)
        let tokens = try lexer.tokenize(from: 0, until: .endOfText).tokens
        var parser = ExpressionParser(tokens: tokens, source: text, bytes: bytes)
        if parser.atEnd {
            throw TemplateError.syntax(message: "empty expression", expression: text, offset: 0)
        }
        let expression = try parser.parseExpression()
        try parser.expectEnd()
        store(key, .expression(expression))
        return expression
    }

    private func store(_ key: Key, _ entry: Entry) {
        entries.withLock {
            if $0.count >= Self.limit { $0.removeAll(keepingCapacity: true) }
            $0[key] = entry
        }
    }
}
