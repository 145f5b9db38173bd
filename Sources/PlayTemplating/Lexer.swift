/// Splits expression text into tokens, stopping at the tag's closing delimiter (when brackets are
/// balanced, as Jinja does, so `{{ {'a': {'b': 1}} }}` works).
struct Lexer {
    enum Terminator { case endOfText, variable, block }

    struct Result {
        var tokens: [Token]
        /// Offset just past the closing delimiter.
        var next: Int
        /// `-}}` / `-%}`: strip whitespace after the tag.
        var stripAfter: Bool
        /// `+%}`: keep the newline that trim_blocks would remove.
        var keepNewline: Bool
    }

    let bytes: [UInt8]
    /// Whether backslash escapes in string literals are decoded. Ansible leaves them as written in
    /// playbook expressions (YAML already decoded them) and decodes them in template files.
    let decodeEscapes: Bool
    let source: String

    func tokenize(from start: Int, until terminator: Terminator) throws(TemplateError) -> Result {
        var tokens: [Token] = []
        var pos = start
        var brackets: [UInt8] = []
        let n = bytes.count
        while true {
            while pos < n, Self.isSpace(bytes[pos]) { pos += 1 }
            if pos >= n {
                if terminator == .endOfText {
                    tokens.append(Token(kind: .end, start: pos, end: pos))
                    return Result(tokens: tokens, next: pos, stripAfter: false, keepNewline: false)
                }
                throw syntax(terminator == .variable ? "unexpected end of template, expected '}}'" :
                    "unexpected end of template, expected '%}'", at: start)
            }
            let c = bytes[pos]
            if brackets.isEmpty, terminator != .endOfText, let close = closing(at: pos, terminator) {
                tokens.append(Token(kind: .end, start: pos, end: close.next))
                return Result(tokens: tokens, next: close.next, stripAfter: close.strip, keepNewline: close.keep)
            }
            if Self.isNameStart(c) {
                let s = pos
                while pos < n, Self.isNameChar(bytes[pos]) { pos += 1 }
                tokens.append(Token(kind: .name(text(s, pos)), start: s, end: pos))
                continue
            }
            if Self.isDigit(c) {
                tokens.append(try number(at: &pos, afterDot: tokens.last?.isOp(.dot) == true))
                continue
            }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                tokens.append(try string(at: &pos))
                continue
            }
            guard let (op, length) = Self.operatorAt(bytes, pos) else {
                throw syntax("unexpected char '\(String(decoding: [c], as: UTF8.self))'", at: pos)
            }
            switch op {
            case .lparen: brackets.append(UInt8(ascii: ")"))
            case .lbracket: brackets.append(UInt8(ascii: "]"))
            case .lbrace: brackets.append(UInt8(ascii: "}"))
            case .rparen, .rbracket, .rbrace:
                // As Jinja's lexer: a closer must match the innermost opener.
                guard let expected = brackets.popLast() else { throw syntax("unexpected '\(op.rawValue)'", at: pos) }
                if expected != c {
                    throw syntax("unexpected '\(op.rawValue)', expected '\(String(UnicodeScalar(expected)))'", at: pos)
                }
            default: break
            }
            tokens.append(Token(kind: .op(op), start: pos, end: pos + length))
            pos += length
        }
    }

    private func closing(at pos: Int, _ terminator: Terminator) -> (next: Int, strip: Bool, keep: Bool)? {
        let closer: UInt8 = terminator == .variable ? UInt8(ascii: "}") : UInt8(ascii: "%")
        func isClose(_ p: Int) -> Bool {
            p + 1 < bytes.count && bytes[p] == closer && bytes[p + 1] == UInt8(ascii: "}")
        }
        if isClose(pos) { return (pos + 2, false, false) }
        if bytes[pos] == UInt8(ascii: "-"), isClose(pos + 1) { return (pos + 3, true, false) }
        if terminator == .block, bytes[pos] == UInt8(ascii: "+"), isClose(pos + 1) { return (pos + 3, false, true) }
        return nil
    }

    private func text(_ s: Int, _ e: Int) -> String {
        String(decoding: bytes[s..<e], as: UTF8.self)
    }

    func syntax(_ message: String, at offset: Int) -> TemplateError {
        .syntax(message: message, expression: source, offset: Self.characterOffset(bytes, offset))
    }

    static func characterOffset(_ bytes: [UInt8], _ offset: Int) -> Int {
        String(decoding: bytes[0..<min(offset, bytes.count)], as: UTF8.self).count
    }

    private func number(at pos: inout Int, afterDot: Bool) throws(TemplateError) -> Token {
        let s = pos
        let n = bytes.count
        func digits(_ valid: (UInt8) -> Bool) {
            while pos < n, valid(bytes[pos]) || (bytes[pos] == UInt8(ascii: "_") && pos + 1 < n && valid(bytes[pos + 1])) {
                pos += 1
            }
        }
        if bytes[pos] == UInt8(ascii: "0"), pos + 1 < n {
            let radixChar = bytes[pos + 1] | 0x20
            let radix: Int? = radixChar == UInt8(ascii: "x") ? 16 : radixChar == UInt8(ascii: "o") ? 8 :
                radixChar == UInt8(ascii: "b") ? 2 : nil
            if let radix {
                pos += 2
                let ds = pos
                digits { Self.isHexDigit($0) && Int(String(UnicodeScalar($0)), radix: radix) != nil }
                let body = text(ds, pos).replacingOccurrences("_", "")
                guard let v = Int(body, radix: radix) else { throw syntax("invalid integer literal", at: s) }
                return Token(kind: .integer(v), start: s, end: pos)
            }
        }
        digits(Self.isDigit)
        var isFloat = false
        if !afterDot {
            if pos + 1 < n, bytes[pos] == UInt8(ascii: "."), Self.isDigit(bytes[pos + 1]) {
                isFloat = true
                pos += 1
                digits(Self.isDigit)
            }
            if pos < n, bytes[pos] | 0x20 == UInt8(ascii: "e") {
                var p = pos + 1
                if p < n, bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") { p += 1 }
                if p < n, Self.isDigit(bytes[p]) {
                    isFloat = true
                    pos = p
                    digits(Self.isDigit)
                }
            }
        }
        let body = text(s, pos).replacingOccurrences("_", "")
        if isFloat {
            guard let d = Double(body) else { throw syntax("invalid number", at: s) }
            return Token(kind: .float(d), start: s, end: pos)
        }
        if let v = Int(body) { return Token(kind: .integer(v), start: s, end: pos) }
        guard let d = Double(body) else { throw syntax("invalid number", at: s) }
        return Token(kind: .float(d), start: s, end: pos)
    }

    private func string(at pos: inout Int) throws(TemplateError) -> Token {
        let s = pos
        let quote = bytes[pos]
        pos += 1
        var out: [UInt8] = []
        let n = bytes.count
        while pos < n {
            let c = bytes[pos]
            if c == quote {
                pos += 1
                return Token(kind: .string(String(decoding: out, as: UTF8.self)), start: s, end: pos)
            }
            if c == UInt8(ascii: "\\"), pos + 1 < n {
                if decodeEscapes {
                    try decodeEscape(at: &pos, into: &out)
                } else {
                    // Kept as written; the escaped character still cannot end the string.
                    out.append(c)
                    out.append(bytes[pos + 1])
                    pos += 2
                }
                continue
            }
            out.append(c)
            pos += 1
        }
        throw syntax("unexpected end of string", at: s)
    }

    /// Python's string escapes, as Jinja decodes them.
    private func decodeEscape(at pos: inout Int, into out: inout [UInt8]) throws(TemplateError) {
        let e = bytes[pos + 1]
        pos += 2
        func append(_ scalar: UInt32) {
            let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
            out.append(contentsOf: Array(String(Character(u)).utf8))
        }
        func hex(_ count: Int) throws(TemplateError) -> UInt32 {
            guard pos + count <= bytes.count,
                  let v = UInt32(String(decoding: bytes[pos..<pos + count], as: UTF8.self), radix: 16)
            else { throw syntax("truncated \\x/\\u escape", at: pos - 2) }
            pos += count
            return v
        }
        switch e {
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "0"): out.append(0x00)
        case UInt8(ascii: "a"): out.append(0x07)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "v"): out.append(0x0B)
        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(e)
        case UInt8(ascii: "\n"): break
        case UInt8(ascii: "x"): append(try hex(2))
        case UInt8(ascii: "u"): append(try hex(4))
        case UInt8(ascii: "U"): append(try hex(8))
        default:
            out.append(UInt8(ascii: "\\"))
            out.append(e)
        }
    }

    private static let operatorsByLength: [[Token.Operator]] = {
        let all = Token.Operator.allCases
        return [all.filter { $0.rawValue.utf8.count == 2 }, all.filter { $0.rawValue.utf8.count == 1 }]
    }()

    static func operatorAt(_ bytes: [UInt8], _ pos: Int) -> (Token.Operator, Int)? {
        for group in operatorsByLength {
            for op in group {
                let raw = op.rawValue.utf8
                guard pos + raw.count <= bytes.count else { continue }
                var match = true
                var i = pos
                for b in raw {
                    if bytes[i] != b { match = false; break }
                    i += 1
                }
                if match { return (op, raw.count) }
            }
        }
        return nil
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) static func isHexDigit(_ c: UInt8) -> Bool {
        isDigit(c) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "f"))
    }
    @inline(__always) static func isNameStart(_ c: UInt8) -> Bool {
        (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) || c == UInt8(ascii: "_") || c >= 0x80
    }
    @inline(__always) static func isNameChar(_ c: UInt8) -> Bool { isNameStart(c) || isDigit(c) }
}

extension String {
    /// Foundation-free replace, so the lexer does not pull Foundation into hot paths.
    func replacingOccurrences(_ target: Character, _ replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
