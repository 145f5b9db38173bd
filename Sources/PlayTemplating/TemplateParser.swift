import PlayBase

/// Turns template text into a `Template`: first a flat run of text, `{{ }}` outputs and `{% %}`
/// tags (applying whitespace control and trim_blocks, as Ansible configures Jinja), then a tree of
/// if/for/set blocks.
struct TemplateParser {
    private enum Item {
        case text(String)
        case output(TemplateExpression)
        case tag(keyword: String, parser: ExpressionParser, offset: Int)
    }

    let source: String
    let decodeEscapes: Bool

    func parse() throws(TemplateError) -> Template {
        var text = source
        var trailingNewline = false
        if text.hasSuffix("\n") {
            // Jinja drops one trailing newline (keep_trailing_newline is off); "\r\n" is one Character.
            text.removeLast()
            trailingNewline = true
        }
        let bytes = Array(text.utf8)
        let items = try scan(bytes)
        try checkBlockNesting(items, bytes)
        var index = 0
        let (nodes, end) = try buildBody(items, &index, until: [], bytes: bytes)
        if let end { throw syntaxError("Encountered unknown tag '\(end.keyword)'.", end.offset, bytes) }
        return Template(nodes: nodes, source: source, trailingNewline: trailingNewline)
    }

    /// Blocks (`if`, `for`, `macro`, a `set` block) may nest this deep; the tree is built and
    /// rendered recursively.
    static let maxBlockDepth = 100

    private func checkBlockNesting(_ items: [Item], _ bytes: [UInt8]) throws(TemplateError) {
        var depth = 0
        for case .tag(let keyword, let parser, let offset) in items {
            switch keyword {
            case "if", "for", "macro":
                depth += 1
            case "set" where !parser.tokens.contains(where: { $0.isOp(.assign) }):
                depth += 1
            case "endif", "endfor", "endmacro", "endset":
                depth -= 1
            default:
                continue
            }
            if depth > Self.maxBlockDepth {
                throw syntaxError("blocks nest more than \(Self.maxBlockDepth) deep here; split the template", offset, bytes)
            }
        }
    }

    private func syntaxError(_ message: String, _ offset: Int, _ bytes: [UInt8]) -> TemplateError {
        .syntax(message: message, expression: source, offset: Lexer.characterOffset(bytes, offset))
    }

    // MARK: Scanning

    private func scan(_ bytes: [UInt8]) throws(TemplateError) -> [Item] {
        let lexer = Lexer(bytes: bytes, decodeEscapes: decodeEscapes, source: source)
        var items: [Item] = []
        var pos = 0
        var textStart = 0
        var stripLeading = false
        let n = bytes.count
        let open = UInt8(ascii: "{")

        func flushText(upTo end: Int, stripTrailing: Bool) {
            var s = textStart, e = end
            if stripLeading { while s < e, Lexer.isSpace(bytes[s]) { s += 1 } }
            if stripTrailing { while e > s, Lexer.isSpace(bytes[e - 1]) { e -= 1 } }
            if s < e { items.append(.text(String(decoding: bytes[s..<e], as: UTF8.self))) }
            stripLeading = false
        }
        // trim_blocks: the first newline after a block tag or comment goes.
        func afterBlock(_ next: Int, strip: Bool, keep: Bool) -> Int {
            if strip { stripLeading = true; return next }
            if keep { return next }
            if next < n, bytes[next] == 0x0A { return next + 1 }
            if next + 1 < n, bytes[next] == 0x0D, bytes[next + 1] == 0x0A { return next + 2 }
            return next
        }

        while pos + 1 < n {
            guard bytes[pos] == open else { pos += 1; continue }
            let kind = bytes[pos + 1]
            guard kind == open || kind == UInt8(ascii: "%") || kind == UInt8(ascii: "#") else { pos += 1; continue }
            let tagStart = pos
            var inner = pos + 2
            var stripBefore = false
            if inner < n, bytes[inner] == UInt8(ascii: "-") { stripBefore = true; inner += 1 }
            else if inner < n, bytes[inner] == UInt8(ascii: "+") { inner += 1 }

            if kind == UInt8(ascii: "#") {
                guard let close = find([UInt8(ascii: "#"), UInt8(ascii: "}")], in: bytes, from: inner) else {
                    throw syntaxError("Missing end of comment tag", tagStart, bytes)
                }
                flushText(upTo: tagStart, stripTrailing: stripBefore)
                let strip = close > inner && bytes[close - 1] == UInt8(ascii: "-")
                pos = afterBlock(close + 2, strip: strip, keep: false)
                textStart = pos
                continue
            }
            if kind == open {
                flushText(upTo: tagStart, stripTrailing: stripBefore)
                let lexed = try lexer.tokenize(from: inner, until: .variable)
                var parser = ExpressionParser(tokens: lexed.tokens, source: source, bytes: bytes)
                if parser.atEnd { throw syntaxError("Expected an expression, got 'end of print statement'", inner, bytes) }
                let expression = try parser.parseExpression()
                try parser.expectEnd()
                items.append(.output(expression))
                stripLeading = lexed.stripAfter
                pos = lexed.next
                textStart = pos
                continue
            }
            // A block tag.
            flushText(upTo: tagStart, stripTrailing: stripBefore)
            let lexed = try lexer.tokenize(from: inner, until: .block)
            var parser = ExpressionParser(tokens: lexed.tokens, source: source, bytes: bytes)
            guard let keyword = parser.current.name else {
                throw syntaxError("Expected a tag name after '{%'", inner, bytes)
            }
            let keywordOffset = parser.current.start
            _ = parser.advance()
            if keyword == "raw" {
                try parser.expectEnd()
                let bodyStart = afterBlock(lexed.next, strip: lexed.stripAfter, keep: lexed.keepNewline)
                guard let (contentEnd, stripRawEnd, after, endStrip, endKeep) = findEndRaw(bytes, from: bodyStart) else {
                    throw syntaxError("Missing end of raw directive", tagStart, bytes)
                }
                var s = bodyStart, e = contentEnd
                if lexed.stripAfter { while s < e, Lexer.isSpace(bytes[s]) { s += 1 } }
                if stripRawEnd { while e > s, Lexer.isSpace(bytes[e - 1]) { e -= 1 } }
                if s < e { items.append(.text(String(decoding: bytes[s..<e], as: UTF8.self))) }
                stripLeading = false
                pos = afterBlock(after, strip: endStrip, keep: endKeep)
                textStart = pos
                continue
            }
            items.append(.tag(keyword: keyword, parser: parser, offset: keywordOffset))
            pos = afterBlock(lexed.next, strip: lexed.stripAfter, keep: lexed.keepNewline)
            textStart = pos
        }
        flushText(upTo: n, stripTrailing: false)
        return items
    }

    private func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var i = start
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], bytes[i + 1] == needle[1] { return i }
            i += 1
        }
        return nil
    }

    /// Finds `{% endraw %}` (with optional `-`/`+` markers): where the raw text ends, whether the end
    /// tag strips before itself, where it ends and its own strip/keep flags after.
    private func findEndRaw(_ bytes: [UInt8], from start: Int) -> (Int, Bool, Int, Bool, Bool)? {
        var i = start
        let n = bytes.count
        while let open = find([UInt8(ascii: "{"), UInt8(ascii: "%")], in: bytes, from: i) {
            var p = open + 2
            var stripBefore = false
            if p < n, bytes[p] == UInt8(ascii: "-") { stripBefore = true; p += 1 }
            else if p < n, bytes[p] == UInt8(ascii: "+") { p += 1 }
            while p < n, Lexer.isSpace(bytes[p]) { p += 1 }
            let word = Array("endraw".utf8)
            if p + word.count <= n, Array(bytes[p..<p + word.count]) == word {
                p += word.count
                while p < n, Lexer.isSpace(bytes[p]) { p += 1 }
                var strip = false, keep = false
                if p < n, bytes[p] == UInt8(ascii: "-") { strip = true; p += 1 }
                else if p < n, bytes[p] == UInt8(ascii: "+") { keep = true; p += 1 }
                if p + 1 < n, bytes[p] == UInt8(ascii: "%"), bytes[p + 1] == UInt8(ascii: "}") {
                    return (open, stripBefore, p + 2, strip, keep)
                }
            }
            i = open + 2
        }
        return nil
    }

    // MARK: Blocks

    private struct EndTag {
        var keyword: String
        var parser: ExpressionParser
        var offset: Int
    }

    private func buildBody(_ items: [Item], _ index: inout Int, until enders: Set<String>, bytes: [UInt8])
        throws(TemplateError) -> ([Template.Node], EndTag?)
    {
        var nodes: [Template.Node] = []
        while index < items.count {
            let item = items[index]
            index += 1
            switch item {
            case .text(let t): nodes.append(.text(t))
            case .output(let e): nodes.append(.output(e))
            case .tag(let keyword, var parser, let offset):
                if enders.contains(keyword) { return (nodes, EndTag(keyword: keyword, parser: parser, offset: offset)) }
                switch keyword {
                case "if":
                    nodes.append(try parseIf(&parser, items, &index, bytes: bytes, offset: offset))
                case "for":
                    nodes.append(try parseFor(&parser, items, &index, bytes: bytes, offset: offset))
                case "set":
                    nodes.append(try parseSet(&parser, items, &index, bytes: bytes, offset: offset))
                case "macro":
                    nodes.append(try parseMacro(&parser, items, &index, bytes: bytes, offset: offset))
                case "include", "import", "from", "call", "extends", "block", "filter", "with", "autoescape":
                    throw syntaxError("the '{% \(keyword) %}' tag is not supported; use if, for, set, macro and raw", offset, bytes)
                case "elif", "else", "endif", "endfor", "endset", "endmacro":
                    throw syntaxError("Encountered unknown tag '\(keyword)'. Jinja was looking for " +
                        (enders.isEmpty ? "no closing tag here" : enders.sorted().map { "'\($0)'" }.joined(separator: " or ")) +
                        ".", offset, bytes)
                default:
                    let note = Suggestions.closest(to: keyword, in: ["if", "for", "set", "raw", "macro", "endif", "endfor", "else", "elif"])
                        .map { " Did you mean '\($0)'?" } ?? ""
                    throw syntaxError("Encountered unknown tag '\(keyword)'.\(note)", offset, bytes)
                }
            }
        }
        if !enders.isEmpty {
            throw syntaxError("Unexpected end of template. Jinja was looking for the following tags: " +
                enders.sorted().map { "'\($0)'" }.joined(separator: " or ") + ".", bytes.count, bytes)
        }
        return (nodes, nil)
    }

    private func parseIf(_ parser: inout ExpressionParser, _ items: [Item], _ index: inout Int, bytes: [UInt8], offset: Int)
        throws(TemplateError) -> Template.Node
    {
        var branches: [(TemplateExpression, [Template.Node])] = []
        var condition = try parser.parseExpression()
        try parser.expectEnd()
        while true {
            let (body, end) = try buildBody(items, &index, until: ["elif", "else", "endif"], bytes: bytes)
            guard var end else { throw syntaxError("Missing '{% endif %}'", offset, bytes) }
            branches.append((condition, body))
            switch end.keyword {
            case "elif":
                condition = try end.parser.parseExpression()
                try end.parser.expectEnd()
            case "else":
                try end.parser.expectEnd()
                let (elseBody, close) = try buildBody(items, &index, until: ["endif"], bytes: bytes)
                guard var close else { throw syntaxError("Missing '{% endif %}'", offset, bytes) }
                try close.parser.expectEnd()
                return .ifBlock(branches: branches, otherwise: elseBody)
            default:
                try end.parser.expectEnd()
                return .ifBlock(branches: branches, otherwise: nil)
            }
        }
    }

    private func parseFor(_ parser: inout ExpressionParser, _ items: [Item], _ index: inout Int, bytes: [UInt8], offset: Int)
        throws(TemplateError) -> Template.Node
    {
        var targets: [String] = []
        let parenthesized = parser.current.isOp(.lparen)
        if parenthesized { _ = parser.advance() }
        repeat {
            if parser.current.isOp(.comma) { _ = parser.advance() }
            targets.append(try parser.expectName())
        } while parser.current.isOp(.comma)
        if parenthesized { try parser.expect(.rparen) }
        guard parser.current.isName("in") else { throw parser.unexpected("'in'") }
        _ = parser.advance()
        var iterable = try parser.parseExpression(allowConditional: false)
        if parser.current.isOp(.comma) {
            var list = [iterable]
            while parser.current.isOp(.comma) {
                _ = parser.advance()
                list.append(try parser.parseExpression(allowConditional: false))
            }
            iterable = .list(list)
        }
        var filter: TemplateExpression?
        if parser.current.isName("if") {
            _ = parser.advance()
            filter = try parser.parseExpression()
        }
        if parser.current.isName("recursive") {
            throw parser.fail("recursive for loops are not supported")
        }
        try parser.expectEnd()
        let (body, end) = try buildBody(items, &index, until: ["else", "endfor"], bytes: bytes)
        guard var end else { throw syntaxError("Missing '{% endfor %}'", offset, bytes) }
        try end.parser.expectEnd()
        var otherwise: [Template.Node]?
        if end.keyword == "else" {
            let (elseBody, close) = try buildBody(items, &index, until: ["endfor"], bytes: bytes)
            guard var close else { throw syntaxError("Missing '{% endfor %}'", offset, bytes) }
            try close.parser.expectEnd()
            otherwise = elseBody
        }
        return .forBlock(targets: targets, iterable: iterable, filter: filter, body: body, otherwise: otherwise)
    }

    private func parseSet(_ parser: inout ExpressionParser, _ items: [Item], _ index: inout Int, bytes: [UInt8], offset: Int)
        throws(TemplateError) -> Template.Node
    {
        let first = try parser.expectName()
        if parser.current.isOp(.dot) {
            _ = parser.advance()
            let attribute = try parser.expectName()
            try parser.expect(.assign)
            let value = try parser.parseTupleOrExpression()
            try parser.expectEnd()
            return .set(.attribute(first, attribute), value)
        }
        var names = [first]
        while parser.current.isOp(.comma) {
            _ = parser.advance()
            names.append(try parser.expectName())
        }
        if parser.atEnd, names.count == 1 {
            let (body, end) = try buildBody(items, &index, until: ["endset"], bytes: bytes)
            guard var end else { throw syntaxError("Missing '{% endset %}'", offset, bytes) }
            try end.parser.expectEnd()
            return .setBlock(name: first, body: body)
        }
        try parser.expect(.assign)
        let value = try parser.parseTupleOrExpression()
        try parser.expectEnd()
        return .set(.names(names), value)
    }

    private func parseMacro(_ parser: inout ExpressionParser, _ items: [Item], _ index: inout Int, bytes: [UInt8], offset: Int)
        throws(TemplateError) -> Template.Node
    {
        let name = try parser.expectName()
        var parameters: [(name: String, fallback: TemplateExpression?)] = []
        try parser.expect(.lparen)
        while !parser.current.isOp(.rparen) {
            if !parameters.isEmpty { try parser.expect(.comma) }
            if parser.current.isOp(.rparen) { break }
            let parameter = try parser.expectName()
            var fallback: TemplateExpression?
            if parser.current.isOp(.assign) {
                _ = parser.advance()
                fallback = try parser.parseExpression()
            }
            parameters.append((parameter, fallback))
        }
        try parser.expect(.rparen)
        try parser.expectEnd()
        let (body, end) = try buildBody(items, &index, until: ["endmacro"], bytes: bytes)
        guard var end else { throw syntaxError("Missing '{% endmacro %}'", offset, bytes) }
        try end.parser.expectEnd()
        return .macro(Template.Macro(name: name, parameters: parameters, body: body))
    }
}
