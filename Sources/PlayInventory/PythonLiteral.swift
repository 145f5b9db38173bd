import OrderedCollections
import PlayBase

/// Python's `ast.literal_eval` for one INI inventory value: Ansible runs every INI variable
/// value through it, so `x=5` is an int, `x=True` a bool, `x="[1, 2]"` a list, and anything that
/// is not a Python literal (`yes`, `hello world`, `010`) stays the string it was written as.
///
/// Numbers, strings (all quote styles, prefixes and escapes), `True`/`False`/`None`, `...`,
/// lists, tuples and sets (as lists) and dicts are understood. Complex numbers and integers
/// beyond 64 bits have no `Value`; such text is kept as a string.
enum PythonLiteral {
    /// The value `text` denotes, or nil when it is not a Python literal.
    static func parse(_ text: String) -> Value? {
        // Fast paths for the shapes nearly every inventory value has.
        let utf8 = text.utf8
        guard let first = utf8.first else { return nil }
        if first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"),
           utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            if first == UInt8(ascii: "0"), utf8.count > 1 {
                // Leading zeros are a syntax error in Python 3 unless the number is zero.
                if utf8.allSatisfy({ $0 == UInt8(ascii: "0") }) { return .int(0) }
                return nil
            }
            return Int(text).map(Value.int)
        }
        if isNameStart(first) {
            // A bare name is a literal only as True, False or None; a short one may also
            // prefix a string (r'...', b"...").
            var end = utf8.startIndex
            while end < utf8.endIndex, isNameStart(utf8[end]) || (utf8[end] >= 0x30 && utf8[end] <= 0x39) {
                end = utf8.index(after: end)
            }
            let name = text[..<end]
            if end == utf8.endIndex {
                switch name {
                case "True": return .bool(true)
                case "False": return .bool(false)
                case "None": return .null
                default: return nil
                }
            }
            let quoteFollows = utf8[end] == UInt8(ascii: "'") || utf8[end] == UInt8(ascii: "\"")
            let keyword = name == "True" || name == "False" || name == "None"
            guard keyword || (quoteFollows && name.utf8.count <= 2) else { return nil }
        }
        var parser = Parser(Array(text.unicodeScalars))
        return parser.parseWhole()
    }

    private static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_")
    }

    private struct Parser {
        let s: [Unicode.Scalar]
        var i = 0

        init(_ s: [Unicode.Scalar]) { self.s = s }

        mutating func parseWhole() -> Value? {
            skipSpace()
            guard let first = parseElement() else { return nil }
            skipSpace()
            if peek == "," {
                // A bare tuple at the top level: `1, 2`.
                var items = [first]
                while peek == "," {
                    i += 1
                    skipSpace()
                    if atEnd { break }
                    guard let next = parseElement() else { return nil }
                    items.append(next)
                    skipSpace()
                }
                if atEnd { return .list(items) }
                return nil
            }
            // (Value is nil-literal expressible, so no `cond ? v : nil` here: that would be .null.)
            if atEnd { return first }
            return nil
        }

        var atEnd: Bool { i >= s.count }
        var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }

        func peek(_ offset: Int) -> Unicode.Scalar? { i + offset < s.count ? s[i + offset] : nil }

        /// Spaces, tabs, newlines and `#` comments, which Python's tokenizer drops.
        mutating func skipSpace() {
            while let c = peek {
                if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" {
                    i += 1
                } else if c == "#" {
                    while let d = peek, d != "\n" { _ = d; i += 1 }
                } else if c == "\\", peek(1) == "\n" {
                    i += 2
                } else {
                    return
                }
            }
        }

        mutating func parseElement() -> Value? {
            guard let c = peek else { return nil }
            switch c {
            case "[":
                i += 1
                guard let items = parseSequence(closing: "]") else { return nil }
                return .list(items.values)
            case "(":
                i += 1
                guard let items = parseSequence(closing: ")") else { return nil }
                // `(x)` is x itself; `(x,)` and `()` are tuples.
                if items.values.count == 1, !items.trailingComma { return items.values[0] }
                return .list(items.values)
            case "{":
                i += 1
                return parseBrace()
            case "+", "-":
                i += 1
                skipSpace()
                guard let p = peek, isDigit(p) || (p == "." && peek(1).map(isDigit) == true) else {
                    // Parentheses around the number are allowed: `-(5)`.
                    if peek == "(" {
                        guard let inner = parseElement() else { return nil }
                        return negate(inner, c == "-")
                    }
                    return nil
                }
                guard let number = parseNumber() else { return nil }
                return negate(number, c == "-")
            case ".":
                if peek(1) == ".", peek(2) == "." { i += 3; return .string("...") }
                return parseNumber()
            default:
                if isDigit(c) { return parseNumber() }
                if c == "'" || c == "\"" || isLetter(c) { return parseStringsOrName() }
                return nil
            }
        }

        func negate(_ v: Value, _ minus: Bool) -> Value? {
            switch v {
            case .int(let n):
                if !minus { return .int(n) }
                if n == Int.min { return nil }
                return .int(-n)
            case .double(let d): return .double(minus ? -d : d)
            default: return nil
            }
        }

        mutating func parseSequence(closing: Unicode.Scalar) -> (values: [Value], trailingComma: Bool)? {
            var values: [Value] = []
            var trailingComma = false
            skipSpace()
            while true {
                if peek == closing { i += 1; return (values, trailingComma) }
                guard let v = parseElement() else { return nil }
                values.append(v)
                trailingComma = false
                skipSpace()
                if peek == "," {
                    i += 1
                    trailingComma = true
                    skipSpace()
                } else if peek != closing {
                    return nil
                }
            }
        }

        /// `{}` is a dict; `{a: b}` a dict; `{a, b}` a set, which becomes a list.
        mutating func parseBrace() -> Value? {
            skipSpace()
            if peek == "}" { i += 1; return .dict([:]) }
            guard let firstKey = parseElement() else { return nil }
            skipSpace()
            if peek == ":" {
                var dict = OrderedDictionary<String, Value>()
                var key = firstKey
                while true {
                    guard peek == ":" else { return nil }
                    i += 1
                    skipSpace()
                    guard let value = parseElement(), let name = Self.keyName(key) else { return nil }
                    dict[name] = value
                    skipSpace()
                    if peek == "," { i += 1; skipSpace() }
                    else if peek != "}" { return nil }
                    if peek == "}" { i += 1; return .dict(dict) }
                    guard let k = parseElement() else { return nil }
                    key = k
                    skipSpace()
                }
            }
            var items = [firstKey]
            while true {
                if peek == "," { i += 1; skipSpace() } else if peek != "}" { return nil }
                if peek == "}" { i += 1; break }
                guard let v = parseElement() else { return nil }
                guard Self.keyName(v) != nil else { return nil }
                items.append(v)
                skipSpace()
            }
            var unique: [Value] = []
            for v in items where !unique.contains(v) { unique.append(v) }
            return .list(unique)
        }

        /// Dict keys must be hashable in Python: scalars only.
        static func keyName(_ key: Value) -> String? {
            switch key {
            case .list, .dict: return nil
            default: return key.renderedString
            }
        }

        func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
        func isLetter(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || c == "_" }
        func isNameChar(_ c: Unicode.Scalar) -> Bool { isLetter(c) || isDigit(c) }

        mutating func parseNumber() -> Value? {
            if peek == "0", let x = peek(1), "xXoObB".unicodeScalars.contains(x) {
                i += 2
                let radix: Int = (x == "x" || x == "X") ? 16 : (x == "o" || x == "O") ? 8 : 2
                var digits = ""
                while let c = peek, c.properties.numericType != nil || isLetter(c) {
                    if c == "_" { i += 1; continue }
                    digits.unicodeScalars.append(c)
                    i += 1
                }
                if let c = peek, isNameChar(c) { return nil }
                return Int(digits, radix: radix).map(Value.int)
            }
            var text = ""
            var isFloat = false
            func takeDigits(_ p: inout Parser, _ text: inout String) -> Bool {
                var any = false
                while let c = p.peek, p.isDigit(c) || (c == "_" && any && p.peek(1).map(p.isDigit) == true) {
                    if c != "_" { text.unicodeScalars.append(c) }
                    any = true
                    p.i += 1
                }
                return any
            }
            let intPart = takeDigits(&self, &text)
            if peek == "." {
                isFloat = true
                text += "."
                i += 1
                let fraction = takeDigits(&self, &text)
                if !intPart && !fraction { return nil }
            }
            if let e = peek, e == "e" || e == "E" {
                let save = i
                var exponent = "e"
                i += 1
                if let sign = peek, sign == "+" || sign == "-" { exponent.unicodeScalars.append(sign); i += 1 }
                if takeDigits(&self, &exponent) {
                    isFloat = true
                    text += exponent
                } else {
                    i = save
                    return nil
                }
            }
            if let c = peek, isNameChar(c) { return nil }  // `1j`, `5abc`
            if isFloat { return Double(text).map(Value.double) }
            // Leading zeros are a syntax error in Python 3 unless the number is zero.
            if text.count > 1, text.hasPrefix("0") {
                if text.allSatisfy({ $0 == "0" }) { return .int(0) }
                return nil
            }
            return Int(text).map(Value.int)
        }

        /// Adjacent string literals concatenate (`'a' "b"`); a bare name is a literal only when
        /// it is True, False or None.
        mutating func parseStringsOrName() -> Value? {
            var result = ""
            var kind: Bool?  // true for bytes, false for str
            var sawString = false
            while let c = peek {
                // Read a prefix (r, b, u, rb, br) when a quote follows it.
                var j = i
                var prefix = ""
                while j < s.count, isLetter(s[j]), prefix.count < 3 {
                    prefix.unicodeScalars.append(s[j])
                    j += 1
                }
                let quoteFollows = j < s.count && (s[j] == "'" || s[j] == "\"")
                if c == "'" || c == "\"" || quoteFollows {
                    let lower = prefix.lowercased()
                    guard ["", "r", "u", "b", "rb", "br"].contains(lower) else { return nil }
                    let isBytes = lower.contains("b")
                    if let k = kind, k != isBytes { return nil }
                    kind = isBytes
                    i = j
                    guard let piece = parseQuoted(raw: lower.contains("r"), bytes: isBytes) else { return nil }
                    result += piece
                    sawString = true
                    skipSpace()
                    continue
                }
                if sawString { break }
                var name = ""
                while let d = peek, isNameChar(d) { name.unicodeScalars.append(d); i += 1 }
                switch name {
                case "True": return .bool(true)
                case "False": return .bool(false)
                case "None": return .null
                default: return nil
                }
            }
            return .string(result)
        }

        mutating func parseQuoted(raw: Bool, bytes: Bool) -> String? {
            guard let q = peek else { return nil }
            let triple = peek(1) == q && peek(2) == q
            i += triple ? 3 : 1
            var out = String.UnicodeScalarView()
            while true {
                guard let c = peek else { return nil }
                if c == q {
                    if !triple { i += 1; return String(out) }
                    if peek(1) == q, peek(2) == q { i += 3; return String(out) }
                    out.append(c); i += 1; continue
                }
                if c == "\n", !triple { return nil }
                if c == "\\" {
                    guard let e = peek(1) else { return nil }
                    if raw {
                        // Raw strings keep the backslash; it still protects the next quote.
                        out.append(c); out.append(e); i += 2; continue
                    }
                    i += 2
                    switch e {
                    case "\n": break
                    case "\\": out.append("\\")
                    case "'": out.append("'")
                    case "\"": out.append("\"")
                    case "a": out.append("\u{07}")
                    case "b": out.append("\u{08}")
                    case "f": out.append("\u{0C}")
                    case "n": out.append("\n")
                    case "r": out.append("\r")
                    case "t": out.append("\t")
                    case "v": out.append("\u{0B}")
                    case "x":
                        guard let v = readHex(2), let u = Unicode.Scalar(v) else { return nil }
                        out.append(u)
                    case "u" where !bytes, "U" where !bytes:
                        guard let v = readHex(e == "u" ? 4 : 8), let u = Unicode.Scalar(v) else { return nil }
                        out.append(u)
                    case "0"..."7":
                        var value = Int(e.value - 48)
                        var count = 1
                        while count < 3, let d = peek, d >= "0", d <= "7" {
                            value = value * 8 + Int(d.value - 48); i += 1; count += 1
                        }
                        guard let u = Unicode.Scalar(value) else { return nil }
                        out.append(u)
                    case "N" where !bytes:
                        return nil  // named characters need Unicode's name table; keep the text as written
                    default:
                        out.append("\\"); out.append(e)
                    }
                    continue
                }
                out.append(c)
                i += 1
            }
        }

        mutating func readHex(_ n: Int) -> UInt32? {
            guard i + n <= s.count else { return nil }
            var text = ""
            for k in 0..<n { text.unicodeScalars.append(s[i + k]) }
            guard let v = UInt32(text, radix: 16) else { return nil }
            i += n
            return v
        }
    }
}
