/// Resolves plain scalars by YAML 1.1 as PyYAML's resolver (and so Ansible's loader) does:
/// null (`~`, `null`, empty), booleans (yes/no/on/off/true/false in three casings), ints
/// (decimal, `0x`, `0b`, leading-`0` octal, `_` separators, sexagesimal `1:30`) and floats, which
/// need a dot and a signed exponent (`1.0e+3`; `1e3` and `1.0e3` stay strings). `08`, `0o17`,
/// `-.5` and `y` are strings, and so are timestamps (PyYAML makes dates of them: their text is
/// what Ansible shows for a date). Hand-written matchers instead of regular expressions, for
/// speed; `YAMLLoader.resolver` is the same rule as regular expressions for Yams.
public enum YAMLScalarResolver {
    public static func resolve(_ s: String) -> Value {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return .bool(true)
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return .bool(false)
        default: break
        }
        guard let first = s.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || (first >= 48 && first <= 57) else { return .string(s) }
        if isFloat(s) { return double(s).map(Value.double) ?? .string(s) }
        if isInt(s) { return int(s).map(Value.int) ?? .string(s) }
        return .string(s)
    }

    /// Converts a scalar carrying an explicit core tag (`!!int 5`); nil when it does not convert.
    public static func resolve(_ s: String, tag: String) -> Value? {
        switch tag {
        case "tag:yaml.org,2002:null": return .null
        case "tag:yaml.org,2002:bool":
            switch s.lowercased() {
            case "true", "yes", "on": return .bool(true)
            case "false", "no", "off": return .bool(false)
            default: return nil
            }
        case "tag:yaml.org,2002:int": return int(s).map(Value.int)
        case "tag:yaml.org,2002:float": return double(s).map(Value.double)
        default: return .string(s)
        }
    }

    // MARK: Matching (PyYAML's implicit int and float patterns)

    private static let underscore = UInt8(ascii: "_")

    private static func isDigit(_ c: UInt8, _ range: ClosedRange<UInt8> = 48...57) -> Bool { range.contains(c) }

    private static func isDigits(_ b: ArraySlice<UInt8>, _ range: ClosedRange<UInt8> = 48...57) -> Bool {
        b.allSatisfy { isDigit($0, range) || $0 == underscore }
    }

    /// `[-+]?(0b[01_]+ | 0[0-7_]+ | 0 | [1-9][0-9_]* | 0x[0-9a-fA-F_]+ | [1-9][0-9_]*(:[0-5]?[0-9])+)`
    static func isInt(_ s: String) -> Bool {
        var b = Array(s.utf8)[...]
        if let f = b.first, f == 43 || f == 45 { b = b.dropFirst() }
        guard let f = b.first else { return false }
        if f == 48 {
            let rest = b.dropFirst()
            guard let kind = rest.first else { return true }
            if kind == UInt8(ascii: "b") { return rest.count > 1 && isDigits(rest.dropFirst(), 48...49) }
            if kind == UInt8(ascii: "x") {
                let d = rest.dropFirst()
                return !d.isEmpty && d.allSatisfy { isDigit($0) || (97...102).contains($0) || (65...70).contains($0) || $0 == underscore }
            }
            return isDigits(rest, 48...55)
        }
        guard isDigit(f, 49...57) else { return false }
        var i = b.startIndex
        while i < b.endIndex, isDigit(b[i]) || b[i] == underscore { i += 1 }
        if i == b.endIndex { return true }
        return sexagesimalTail(b[i...])
    }

    /// `(:[0-5]?[0-9])+` exactly.
    private static func sexagesimalTail(_ b: ArraySlice<UInt8>) -> Bool {
        var i = b.startIndex
        guard i < b.endIndex else { return false }
        while i < b.endIndex {
            guard b[i] == 58 else { return false }
            i += 1
            var digits = 0
            let start = i
            while i < b.endIndex, isDigit(b[i]), digits < 2 { i += 1; digits += 1 }
            if digits == 0 { return false }
            if digits == 2 && !isDigit(b[start], 48...53) { return false }
        }
        return true
    }

    /// `[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)? | \.[0-9][0-9_]*([eE][-+][0-9]+)?
    ///  | [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`
    static func isFloat(_ s: String) -> Bool {
        switch s {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN": return true
        default: break
        }
        let all = Array(s.utf8)[...]
        if all.first == 46 {
            var i = all.index(after: all.startIndex)
            guard i < all.endIndex, isDigit(all[i]) else { return false }
            while i < all.endIndex, isDigit(all[i]) || all[i] == underscore { i += 1 }
            return i == all.endIndex || exponent(all[i...])
        }
        var b = all
        if let f = b.first, f == 43 || f == 45 { b = b.dropFirst() }
        guard let f = b.first, isDigit(f) else { return false }
        var i = b.startIndex
        while i < b.endIndex, isDigit(b[i]) || b[i] == underscore { i += 1 }
        guard i < b.endIndex else { return false }
        if b[i] == 58 {
            guard let dot = b[i...].firstIndex(of: 46), sexagesimalTail(b[i..<dot]) else { return false }
            return isDigits(b[(dot + 1)...])
        }
        guard b[i] == 46 else { return false }
        i += 1
        while i < b.endIndex, isDigit(b[i]) || b[i] == underscore { i += 1 }
        return i == b.endIndex || exponent(b[i...])
    }

    /// `[eE][-+][0-9]+` exactly.
    private static func exponent(_ b: ArraySlice<UInt8>) -> Bool {
        var i = b.startIndex
        guard i < b.endIndex, b[i] == 101 || b[i] == 69 else { return false }
        i += 1
        guard i < b.endIndex, b[i] == 43 || b[i] == 45 else { return false }
        i += 1
        return i < b.endIndex && b[i...].allSatisfy { isDigit($0) }
    }

    // MARK: Construction (as PyYAML constructs int and float)

    public static func int(_ text: String) -> Int? {
        let s = text.replacingAll("_", with: "")
        if s == "0" { return 0 }
        let negative = s.hasPrefix("-")
        let hasSign = negative || s.hasPrefix("+")
        let body = hasSign ? String(s.dropFirst()) : s
        let sign = negative ? "-" : ""
        if body == "0" { return 0 }
        for (prefix, radix) in [("0x", 16), ("0b", 2), ("0o", 8), ("0", 8)] where body.hasPrefix(prefix) {
            return Int(sign + body.dropFirst(prefix.count), radix: radix)
        }
        if body.contains(Character(":")) { return sexagesimal(s).flatMap { $0.isFinite && $0 == $0.rounded() ? Int(exactly: $0) : nil } }
        return Int(s)
    }

    public static func double(_ text: String) -> Double? {
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: break
        }
        let s = text.replacingAll("_", with: "")
        if s.contains(Character(":")) { return sexagesimal(s) }
        return Double(s)
    }

    /// `1:30` = 90, `-1:30.5` = -90.5.
    private static func sexagesimal(_ s: String) -> Double? {
        var body = Substring(s)
        var negative = false
        if body.hasPrefix("-") { negative = true; body = body.dropFirst() } else if body.hasPrefix("+") { body = body.dropFirst() }
        var total = 0.0
        for part in body.split(separator: ":", omittingEmptySubsequences: false) {
            guard let v = Double(part) else { return nil }
            total = total * 60 + v
        }
        return negative ? -total : total
    }

    /// PyYAML's implicit int and float patterns as regular expressions, for Yams' resolver.
    static let intPattern = #"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"#
    static let floatPattern = #"^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"#
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
