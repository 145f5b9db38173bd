import PlayBase

/// Resolves plain scalars as PlayBase's YAMLLoader does (Yams' default YAML 1.1 rules): null,
/// booleans (yes/no/on/off/true/false), ints (decimal, 0x, 0b, 0o / leading-0 octal, `_`
/// separators, sexagesimal `1:30`) and floats; everything else is a string. Hand-written
/// matchers instead of regular expressions, for speed.
enum YAMLScalarResolver {
    static func resolve(_ s: String) -> Value {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return .bool(true)
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return .bool(false)
        default: break
        }
        guard let first = s.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || (first >= 48 && first <= 57) else { return .string(s) }
        if isInt(s) { return int(s).map(Value.int) ?? .string(s) }
        if isFloat(s) { return double(s).map(Value.double) ?? .string(s) }
        return .string(s)
    }

    /// Converts a scalar carrying an explicit core tag (`!!int 5`); nil when it does not convert.
    static func resolve(_ s: String, tag: String) -> Value? {
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

    // MARK: Matching (mirrors Yams' Resolver.Rule.int and .float patterns)

    private static func isDigit(_ c: UInt8, _ range: ClosedRange<UInt8> = 48...57) -> Bool { range.contains(c) }

    static func isInt(_ s: String) -> Bool {
        var b = Array(s.utf8)[...]
        if let f = b.first, f == 43 || f == 45 { b = b.dropFirst() }
        guard let f = b.first else { return false }
        let underscore: UInt8 = 95
        // 0b..., 0x..., 0o?[0-7_]+
        if f == 48 {
            if b.count == 1 { return true }
            let rest = b.dropFirst()
            if rest.first == 98 { let d = rest.dropFirst(); return !d.isEmpty && d.allSatisfy { $0 == 48 || $0 == 49 || $0 == underscore } }
            if rest.first == 120 {
                let d = rest.dropFirst()
                return !d.isEmpty && d.allSatisfy { isDigit($0) || (97...102).contains($0) || (65...70).contains($0) || $0 == underscore }
            }
            let d = rest.first == 111 ? rest.dropFirst() : rest
            return !d.isEmpty && d.allSatisfy { isDigit($0, 48...55) || $0 == underscore }
        }
        guard isDigit(f, 49...57) else { return false }
        // [1-9][0-9_]* optionally followed by (:[0-5]?[0-9])+
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

    static func isFloat(_ s: String) -> Bool {
        let all = Array(s.utf8)[...]
        switch s {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN": return true
        default: break
        }
        let underscore: UInt8 = 95
        // \.[0-9_]+([eE][-+][0-9]+)?
        if all.first == 46 {
            var i = all.index(after: all.startIndex)
            let start = i
            while i < all.endIndex, isDigit(all[i]) || all[i] == underscore { i += 1 }
            if i == start { return false }
            if i == all.endIndex { return true }
            return exponent(all[i...], signRequired: true)
        }
        var b = all
        if let f = b.first, f == 43 || f == 45 { b = b.dropFirst() }
        guard let f = b.first, isDigit(f) else { return false }
        var i = b.startIndex
        while i < b.endIndex, isDigit(b[i]) || b[i] == underscore { i += 1 }
        if i == b.endIndex { return true }
        if b[i] == 58 {
            // [0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*
            guard let dot = b[i...].firstIndex(of: 46), sexagesimalTail(b[i..<dot]) else { return false }
            return b[(dot + 1)...].allSatisfy { isDigit($0) || $0 == underscore }
        }
        if b[i] == 46 {
            i += 1
            while i < b.endIndex, isDigit(b[i]) || b[i] == underscore { i += 1 }
            if i == b.endIndex { return true }
        }
        return exponent(b[i...], signRequired: false)
    }

    /// `[eE][-+]?[0-9]+` exactly (the sign required in the `.5e+3` form).
    private static func exponent(_ b: ArraySlice<UInt8>, signRequired: Bool) -> Bool {
        var i = b.startIndex
        guard i < b.endIndex, b[i] == 101 || b[i] == 69 else { return false }
        i += 1
        if i < b.endIndex, b[i] == 43 || b[i] == 45 { i += 1 } else if signRequired { return false }
        guard i < b.endIndex else { return false }
        return b[i...].allSatisfy { isDigit($0) }
    }

    // MARK: Construction (as Yams constructs Int and Double)

    static func int(_ text: String) -> Int? {
        let s = text.replacingAll("_", with: "")
        if s == "0" { return 0 }
        let negative = s.hasPrefix("-")
        let hasSign = negative || s.hasPrefix("+")
        let body = hasSign ? String(s.dropFirst()) : s
        let sign = negative ? "-" : ""
        for (prefix, radix) in [("0x", 16), ("0b", 2), ("0o", 8), ("0", 8)] where body.hasPrefix(prefix) {
            return Int(sign + body.dropFirst(prefix.count), radix: radix)
        }
        if body.contains(Character(":")) { return sexagesimal(s).flatMap { $0.isFinite && $0 == $0.rounded() ? Int(exactly: $0) : nil } }
        return Int(s)
    }

    static func double(_ text: String) -> Double? {
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
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
