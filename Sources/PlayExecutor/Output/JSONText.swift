import OrderedCollections
import PlayBase

/// JSON in the two shapes Ansible's default callback prints: compact `{"a": 1, "b": 2}`
/// (Python's json.dumps separators) and indented.
enum JSONText {
    static func compact(_ value: Value, sortKeys: Bool) -> String {
        var out = ""
        write(value, into: &out, indent: nil, level: 0, sortKeys: sortKeys)
        return out
    }

    static func pretty(_ value: Value, indent: Int) -> String {
        var out = ""
        write(value, into: &out, indent: indent, level: 0, sortKeys: true)
        return out
    }

    private static func write(_ value: Value, into out: inout String, indent: Int?, level: Int, sortKeys: Bool) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? Value.pythonFloatString(d) : "null"
        case .string(let s): quote(s, into: &out)
        case .list(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += indent == nil ? ", " : "," }
                newline(&out, indent, level + 1)
                write(item, into: &out, indent: indent, level: level + 1, sortKeys: sortKeys)
            }
            newline(&out, indent, level)
            out += "]"
        case .dict(let d):
            if d.isEmpty { out += "{}"; return }
            out += "{"
            let keys = sortKeys ? d.keys.sorted() : Array(d.keys)
            for (i, key) in keys.enumerated() {
                if i > 0 { out += indent == nil ? ", " : "," }
                newline(&out, indent, level + 1)
                quote(key, into: &out)
                out += ": "
                write(d[key]!, into: &out, indent: indent, level: level + 1, sortKeys: sortKeys)
            }
            newline(&out, indent, level)
            out += "}"
        }
    }

    private static func newline(_ out: inout String, _ indent: Int?, _ level: Int) {
        guard let indent else { return }
        out += "\n" + String(repeating: " ", count: indent * level)
    }

    /// Escapes as Python's json.dumps with ensure_ascii=False would, which is what users see.
    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
