import OrderedCollections

/// A JSON text that could not be parsed: what was expected and where (0-based UTF-8 byte offset,
/// plus 1-based line and column for people).
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(message: String, offset: Int, line: Int, column: Int) {
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String { "\(message): line \(line) column \(column) (char \(offset))" }
}

extension Value {
    /// Parses one JSON document. Integers stay `.int` (falling back to `.double` when they do not
    /// fit in 64 bits), numbers with a fraction or exponent become `.double`, objects keep their key
    /// order (a repeated key keeps its first position and its last value, as Python's json does).
    /// `NaN`, `Infinity` and `-Infinity` are accepted, as Python's json.loads accepts them.
    public static func parseJSON(_ text: String) throws(JSONParseError) -> Value {
        var text = text
        // withUTF8 only rethrows untyped errors, so the result crosses the closure as a Result.
        let result = text.withUTF8 { bytes -> Result<Value, JSONParseError> in
            var parser = JSONParser(bytes: bytes)
            do throws(JSONParseError) { return .success(try parser.parseDocument()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// JSON text as Python's `json.dumps` writes it: `", "` and `": "` separators on one line, or
    /// (pretty) four-space indentation with `","` and `": "`, as Ansible's `to_nice_json`.
    /// Doubles print like Python floats (`1.0`, `1e+20`); non-finite ones as `NaN`/`Infinity` like
    /// Python. With `asciiOnly`, non-ASCII characters are written as `\uXXXX` (Python's ensure_ascii).
    /// `indent` is the number of spaces per level when `pretty` (Python's `indent=`).
    public func jsonString(sortKeys: Bool = false, pretty: Bool = false, asciiOnly: Bool = false, indent: Int = 4) -> String {
        var writer = JSONWriter(sortKeys: sortKeys, indent: pretty ? max(0, indent) : nil, asciiOnly: asciiOnly)
        writer.write(self, depth: 0)
        return writer.out
    }
}

/// A recursive-descent JSON parser over UTF-8 bytes.
private struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var pos = 0
    var depth = 0
    static let maxDepth = 512  // deeper input would risk the stack; real documents never come close

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func parseDocument() throws(JSONParseError) -> Value {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if pos < bytes.count { throw error("Extra data") }
        return value
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
        let offset = offset ?? pos
        var line = 1, lineStart = 0
        var i = 0
        while i < offset && i < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") { line += 1; lineStart = i + 1 }
            i += 1
        }
        return JSONParseError(message: message, offset: offset, line: line, column: offset - lineStart + 1)
    }

    mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(JSONParseError) -> Value {
        guard pos < bytes.count else { throw error("Expecting value") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "N"): return try literal("NaN", .double(.nan))
        case UInt8(ascii: "I"): return try literal("Infinity", .double(.infinity))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("Expecting value")
        }
    }

    mutating func literal(_ word: StaticString, _ value: Value) throws(JSONParseError) -> Value {
        let count = word.utf8CodeUnitCount
        guard pos + count <= bytes.count else { throw error("Expecting value") }
        let w = word.utf8Start
        for i in 0..<count where bytes[pos + i] != w[i] { throw error("Expecting value") }
        pos += count
        return value
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > Self.maxDepth { throw error("Nesting too deep") }
    }

    mutating func parseObject() throws(JSONParseError) -> Value {
        try enter()
        pos += 1
        var dict = OrderedDictionary<String, Value>()
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; depth -= 1; return .dict(dict) }
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                throw error("Expecting property name enclosed in double quotes")
            }
            let key = try parseString()
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("Expecting ':' delimiter") }
            pos += 1
            skipWhitespace()
            dict[key] = try parseValue()
            skipWhitespace()
            guard pos < bytes.count else { throw error("Expecting ',' delimiter") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; break }
            throw error("Expecting ',' delimiter")
        }
        depth -= 1
        return .dict(dict)
    }

    mutating func parseArray() throws(JSONParseError) -> Value {
        try enter()
        pos += 1
        var list: [Value] = []
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; depth -= 1; return .list(list) }
        while true {
            skipWhitespace()
            list.append(try parseValue())
            skipWhitespace()
            guard pos < bytes.count else { throw error("Expecting ',' delimiter") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; break }
            throw error("Expecting ',' delimiter")
        }
        depth -= 1
        return .list(list)
    }

    mutating func parseNumber() throws(JSONParseError) -> Value {
        let start = pos
        if bytes[pos] == UInt8(ascii: "-") {
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "I") {
                _ = try literal("Infinity", .null)
                return .double(-.infinity)
            }
        }
        guard pos < bytes.count, isDigit(bytes[pos]) else { throw error("Expecting value", at: start) }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        var isInteger = true
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            guard pos + 1 < bytes.count, isDigit(bytes[pos + 1]) else {
                // "1." is not JSON: Python stops the number before the dot and reports extra data.
                return try integerOrDouble(start: start, end: pos)
            }
            isInteger = false
            pos += 1
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            var p = pos + 1
            if p < bytes.count, bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") { p += 1 }
            if p < bytes.count, isDigit(bytes[p]) {
                isInteger = false
                pos = p
                while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
            }
        }
        if isInteger { return try integerOrDouble(start: start, end: pos) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        guard let d = Double(text) else { throw error("Invalid number", at: start) }
        return .double(d)
    }

    func integerOrDouble(start: Int, end: Int) throws(JSONParseError) -> Value {
        var negative = false
        var i = start
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var magnitude: Int = 0
        var overflow = false
        while i < end {
            let digit = Int(bytes[i] &- UInt8(ascii: "0"))
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = negative ? m1.subtractingReportingOverflow(digit) : m1.addingReportingOverflow(digit)
            if o1 || o2 { overflow = true; break }
            magnitude = m2
            i += 1
        }
        if !overflow { return .int(magnitude) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        guard let d = Double(text) else { throw error("Invalid number", at: start) }
        return .double(d)
    }

    @inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    mutating func parseString() throws(JSONParseError) -> String {
        let quoteStart = pos
        pos += 1
        let start = pos
        // Fast path: no escapes.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
                pos += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("Invalid control character at", at: pos) }
            pos += 1
        }
        guard pos < bytes.count else { throw error("Unterminated string starting at", at: quoteStart) }
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<pos]))
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: buffer, as: UTF8.self)
            }
            if b < 0x20 { throw error("Invalid control character at", at: pos) }
            if b != UInt8(ascii: "\\") { buffer.append(b); pos += 1; continue }
            let escapeStart = pos
            pos += 1
            guard pos < bytes.count else { break }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): buffer.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(escapeStart)
                if (0xD800..<0xDC00).contains(scalar), pos + 1 < bytes.count,
                   bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                    let save = pos
                    pos += 2
                    let low = try hex4(save)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        pos = save
                    }
                }
                // Lone surrogates cannot live in a Swift String: they become U+FFFD.
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                buffer.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw error("Invalid \\escape", at: escapeStart)
            }
        }
        throw error("Unterminated string starting at", at: quoteStart)
    }

    mutating func hex4(_ escapeStart: Int) throws(JSONParseError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw error("Invalid \\uXXXX escape", at: escapeStart) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[pos]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw error("Invalid \\uXXXX escape", at: escapeStart)
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }
}

/// Writes Values as JSON text, Python json.dumps style.
private struct JSONWriter {
    let sortKeys: Bool
    let indent: Int?
    let asciiOnly: Bool
    var out = ""

    init(sortKeys: Bool, indent: Int?, asciiOnly: Bool) {
        self.sortKeys = sortKeys
        self.indent = indent
        self.asciiOnly = asciiOnly
    }

    mutating func newline(_ depth: Int) {
        guard let indent else { return }
        out.append("\n")
        out.append(String(repeating: " ", count: indent * depth))
    }

    mutating func write(_ value: Value, depth: Int) {
        switch value {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): out.append(String(i))
        case .double(let d):
            if d.isNaN { out.append("NaN") } else if d.isInfinite { out.append(d < 0 ? "-Infinity" : "Infinity") } else {
                out.append(Value.pythonFloatString(d))
            }
        case .string(let s): writeString(s)
        case .list(let l):
            if l.isEmpty { out.append("[]"); return }
            out.append("[")
            for (i, element) in l.enumerated() {
                if i > 0 { out.append(indent == nil ? ", " : ",") }
                newline(depth + 1)
                write(element, depth: depth + 1)
            }
            newline(depth)
            out.append("]")
        case .dict(let d):
            if d.isEmpty { out.append("{}"); return }
            out.append("{")
            let keys = sortKeys ? d.keys.sorted() : Array(d.keys)
            for (i, key) in keys.enumerated() {
                if i > 0 { out.append(indent == nil ? ", " : ",") }
                newline(depth + 1)
                writeString(key)
                out.append(": ")
                write(d[key]!, depth: depth + 1)
            }
            newline(depth)
            out.append("}")
        }
    }

    mutating func writeString(_ s: String) {
        out.append("\"")
        for u in s.unicodeScalars {
            switch u {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{08}": out.append("\\b")
            case "\u{0C}": out.append("\\f")
            default:
                if u.value < 0x20 {
                    out.append(Self.unicodeEscape(u.value))
                } else if asciiOnly && u.value > 0x7E {
                    if u.value >= 0x10000 {
                        let v = u.value - 0x10000
                        out.append(Self.unicodeEscape(0xD800 + (v >> 10)))
                        out.append(Self.unicodeEscape(0xDC00 + (v & 0x3FF)))
                    } else if u.value == 0x7F {
                        out.unicodeScalars.append(u)
                    } else {
                        out.append(Self.unicodeEscape(u.value))
                    }
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out.append("\"")
    }

    static func unicodeEscape(_ v: UInt32) -> String {
        let hex = String(v, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
