import Foundation
import OrderedCollections
import PlayBase

/// Writes Values as YAML the way PyYAML's `yaml.dump` does for Ansible's `to_yaml` (collections
/// of scalars in flow style) and `to_nice_yaml` (block style, indent 4): sorted keys, plain
/// scalars where YAML 1.1 would read them back as the same string, single quotes otherwise.
/// Multi-line strings use double quotes (PyYAML folds them into single quotes; both read back equal),
/// and long flow collections are not wrapped at 80 columns.
struct YAMLWriter {
    var indent: Int
    /// PyYAML's default_flow_style=None: leaf collections inline.
    var flowLeaves: Bool
    var sortKeys = true
    /// Multi-line strings as `|-` literal blocks (Ansible's callback dumper), made fit for one.
    var literalBlocks = false

    init(indent: Int, flowLeaves: Bool, sortKeys: Bool = true, literalBlocks: Bool = false) {
        self.indent = indent
        self.flowLeaves = flowLeaves
        self.sortKeys = sortKeys
        self.literalBlocks = literalBlocks
    }

    func write(_ value: Value) -> String {
        var out = ""
        switch value {
        case .list(let l) where !l.isEmpty && !useFlow(value):
            writeSequence(l, level: 0, into: &out)
        case .dict(let d) where !d.isEmpty && !useFlow(value):
            writeMapping(d, level: 0, into: &out)
        default:
            out = inline(value, flow: false) + "\n"
        }
        return out
    }

    private func useFlow(_ v: Value) -> Bool {
        switch v {
        case .list(let l): return l.isEmpty || (flowLeaves && l.allSatisfy(Self.isScalar))
        case .dict(let d): return d.isEmpty || (flowLeaves && d.values.allSatisfy(Self.isScalar))
        default: return true
        }
    }

    private static func isScalar(_ v: Value) -> Bool {
        switch v {
        case .list, .dict: return false
        default: return true
        }
    }

    private func keys(_ d: OrderedDictionary<String, Value>) -> [String] {
        sortKeys ? d.keys.sorted() : Array(d.keys)
    }

    private func writeMapping(_ d: OrderedDictionary<String, Value>, level: Int, into out: inout String, inlineFirst: Bool = false) {
        for (i, key) in keys(d).enumerated() {
            if !(inlineFirst && i == 0) { out += String(repeating: " ", count: level) }
            out += Self.scalar(.string(key), flow: false) + ":"
            let v = d[key]!
            if let block = literalBlock(v, level: level + indent) {
                out += " " + block
            } else if useFlow(v) {
                out += " " + inline(v, flow: false) + "\n"
            } else if case .dict(let child) = v {
                out += "\n"
                writeMapping(child, level: level + indent, into: &out)
            } else if case .list(let child) = v {
                out += "\n"
                writeSequence(child, level: level, into: &out)
            }
        }
    }

    private func writeSequence(_ l: [Value], level: Int, into out: inout String, inlineFirst: Bool = false) {
        for (i, v) in l.enumerated() {
            if !(inlineFirst && i == 0) { out += String(repeating: " ", count: level) }
            out += "-"
            if let block = literalBlock(v, level: level + indent) {
                out += " " + block
            } else if useFlow(v) {
                out += " " + inline(v, flow: false) + "\n"
            } else {
                out += String(repeating: " ", count: max(1, indent - 1))
                if case .dict(let child) = v {
                    writeMapping(child, level: level + indent, into: &out, inlineFirst: true)
                } else if case .list(let child) = v {
                    writeSequence(child, level: level + indent, into: &out, inlineFirst: true)
                }
            }
        }
    }

    /// A multi-line string as a literal block whose lines sit at `level`, when `literalBlocks` is on.
    private func literalBlock(_ v: Value, level: Int) -> String? {
        guard literalBlocks, case .string(let raw) = v,
              raw.unicodeScalars.contains(where: { "\n\u{85}\u{2028}\u{2029}".unicodeScalars.contains($0) }) else { return nil }
        let text = Self.tidiedForBlock(raw)
        guard !text.isEmpty else { return nil }
        // A first line starting with a space or a break needs the indentation given.
        let hint = text.first == " " || text.first == "\n" ? String(indent) : ""
        let pad = String(repeating: " ", count: level)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : pad + $0 }
        return "|\(hint)-\n" + lines.joined(separator: "\n") + "\n"
    }

    /// What Ansible's lossy dumper does before a literal block: no trailing whitespace, tabs
    /// expanded, characters YAML allows only in quotes removed, no spaces before a line break.
    static func tidiedForBlock(_ s: String) -> String {
        var text = ""
        for line in s.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            var expanded = ""
            for c in line.unicodeScalars {
                if c == "\t" {
                    let col = expanded.unicodeScalars.count
                    expanded += String(repeating: " ", count: 8 - col % 8)
                } else if c.value == 10 || (32...126).contains(c.value) || c.value == 133
                            || (160...55295).contains(c.value) || (57344...65533).contains(c.value)
                            || (c.value >= 65536 && c.value != 65279) {
                    expanded.unicodeScalars.append(c)
                }
            }
            text += expanded.replacingOccurrences(of: #" +$"#, with: "", options: .regularExpression) + "\n"
        }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }

    /// A scalar, or a collection in flow style (whose scalars follow the stricter flow rules).
    private func inline(_ v: Value, flow: Bool = true) -> String {
        switch v {
        case .list(let l): return "[" + l.map { inline($0) }.joined(separator: ", ") + "]"
        case .dict(let d): return "{" + keys(d).map { Self.scalar(.string($0), flow: true) + ": " + inline(d[$0]!) }.joined(separator: ", ") + "}"
        default: return Self.scalar(v, flow: flow)
        }
    }

    static func scalar(_ v: Value, flow: Bool) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d.isNaN { return ".nan" }
            if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
            var text = Value.pythonFloatString(d).lowercased()
            if !text.contains("."), let e = text.firstIndex(of: "e") { text.insert(contentsOf: ".0", at: e) }
            return text
        case .string(let s):
            if s.contains(where: { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) && $0 != "\t" }) {
                return doubleQuoted(s)
            }
            if canBePlain(s, flow: flow) { return s }
            return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        case .list, .dict:
            return v.pythonRepr
        }
    }

    private static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7F { out += String(format: "\\x%02X", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    /// YAML 1.1 implicit types (as PyYAML's resolver): a plain scalar matching these would not read back as a string.
    private static let implicit: NSRegularExpression = {
        let patterns = [
            "^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|y|Y|n|N)$",
            "^(?:~|null|Null|NULL|)$",
            "^[-+]?(?:0b[0-1_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
            "^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$",
            "^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?)$",
            "^(?:<<|=)$",
        ]
        return try! NSRegularExpression(pattern: patterns.map { "(?:\($0))" }.joined(separator: "|"))
    }()

    private static func canBePlain(_ s: String, flow: Bool) -> Bool {
        guard let first = s.first, let last = s.last else { return false }
        if first == " " || last == " " { return false }
        if implicit.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil { return false }
        if "#,[]{}&*!|>'\"%@`".contains(first) { return false }
        let chars = Array(s)
        if "-?:".contains(first), chars.count == 1 || chars[1] == " " { return false }
        for (i, c) in chars.enumerated() {
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if flow, ",?[]{}".contains(c) { return false }
            if c == ":" && (flow || next == nil || next == " ") { return false }
            if c == "#", i > 0, chars[i - 1] == " " { return false }
        }
        return true
    }
}
