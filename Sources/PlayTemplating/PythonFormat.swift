import Foundation
import OrderedCollections
import PlayBase

/// Text as Python writes it: its two string formatting languages, `'%s-%05.1f' % (a, b)` (also
/// the `format` filter) and `'{}-{:>4}'.format(a, b)`, and the `str()` of the dates, durations and
/// line splits Ansible's modules put in results (so registered values compare and parse the same
/// way they do under Ansible).
package enum PythonFormat {
    // MARK: printf-style

    static func percent(_ format: String, _ args: Value) throws(TemplateError) -> String {
        var positional: [Value]
        var mapping: OrderedDictionary<String, Value>?
        switch args {
        case .list(let l): positional = l
        case .dict(let d): positional = [args]; mapping = d
        default: positional = [args]
        }
        var out = ""
        var index = 0
        var chars = Array(format)[...]
        func fail(_ message: String) -> TemplateError { .type(message: message, expression: "") }
        while let ch = chars.popFirst() {
            guard ch == "%" else { out.append(ch); continue }
            var key: String?
            if chars.first == "(" {
                chars.removeFirst()
                var name = ""
                while let c = chars.popFirst(), c != ")" { name.append(c) }
                key = name
            }
            var flags = ""
            while let c = chars.first, "-+ #0".contains(c) { flags.append(c); chars.removeFirst() }
            var width = ""
            if chars.first == "*" {
                chars.removeFirst()
                guard index < positional.count, case .int(let w) = positional[index] else { throw fail("* wants int") }
                width = String(w)
                index += 1
            }
            while let c = chars.first, c.isASCII, c.isNumber { width.append(c); chars.removeFirst() }
            var precision: String?
            if chars.first == "." {
                chars.removeFirst()
                var p = ""
                while let c = chars.first, c.isASCII, c.isNumber { p.append(c); chars.removeFirst() }
                precision = p
            }
            while let c = chars.first, "hlL".contains(c) { chars.removeFirst() }
            guard let conversion = chars.popFirst() else { throw fail("incomplete format") }
            if conversion == "%" { out.append("%"); continue }
            let value: Value
            if let key {
                guard let mapping else { throw fail("format requires a mapping") }
                guard let v = mapping[key] else { throw fail("KeyError: '\(key)'") }
                value = v
            } else {
                guard index < positional.count else { throw fail("not enough arguments for format string") }
                value = positional[index]
                index += 1
            }
            out += try convert(value, conversion, flags: flags, width: Int(width), precision: precision.map { Int($0) ?? 0 })
        }
        if mapping == nil, index < positional.count, case .list = args {
            throw fail("not all arguments converted during string formatting")
        }
        return out
    }

    private static func convert(_ v: Value, _ conversion: Character, flags: String, width: Int?, precision: Int?) throws(TemplateError) -> String {
        let leftAlign = flags.contains("-")
        func pad(_ s: String, zero: Bool = false) -> String {
            guard let width, s.count < width else { return s }
            if leftAlign { return s + String(repeating: " ", count: width - s.count) }
            if zero && flags.contains("0") {
                var body = s, sign = ""
                if let f = body.first, "+- ".contains(f) { sign = String(f); body.removeFirst() }
                return sign + String(repeating: "0", count: width - s.count) + body
            }
            return String(repeating: " ", count: width - s.count) + s
        }
        switch conversion {
        case "s":
            var s = v.renderedString
            if let precision { s = String(s.prefix(precision)) }
            return pad(s)
        case "r", "a":
            return pad(v.pythonRepr)
        case "d", "i", "u":
            guard let n = Python.number(v) else {
                throw .type(message: "%\(conversion) format: a real number is required, not \(v.typeName)", expression: "")
            }
            let i: Int
            switch n { case .int(let x): i = x; case .double(let d): i = Int(d) }
            var s = String(i)
            if i >= 0, flags.contains("+") { s = "+" + s } else if i >= 0, flags.contains(" ") { s = " " + s }
            return pad(s, zero: true)
        case "f", "F", "e", "E", "g", "G":
            guard let n = Python.number(v) else {
                throw .type(message: "must be real number, not \(v.typeName)", expression: "")
            }
            let d = Python.double(n)
            var spec = "%"
            if flags.contains("+") { spec += "+" } else if flags.contains(" ") { spec += " " }
            if flags.contains("#") { spec += "#" }
            spec += ".\(precision ?? 6)\(conversion)"
            return pad(String(format: spec, d), zero: true)
        case "x", "X", "o":
            guard let n = Python.number(v), case .int(let i) = n else {
                throw .type(message: "%\(conversion) format: an integer is required, not \(v.typeName)", expression: "")
            }
            var s = String(abs(i), radix: conversion == "o" ? 8 : 16, uppercase: conversion == "X")
            if flags.contains("#") { s = (conversion == "o" ? "0o" : conversion == "x" ? "0x" : "0X") + s }
            if i < 0 { s = "-" + s }
            return pad(s, zero: true)
        case "c":
            if case .int(let i) = v, let u = Unicode.Scalar(i) { return pad(String(Character(u))) }
            return pad(v.renderedString)
        default:
            throw .type(message: "unsupported format character '\(conversion)'", expression: "")
        }
    }

    // MARK: str.format

    static func format(_ template: String, _ args: CallArguments) throws(TemplateError) -> String {
        var positional: [Value] = []
        for p in args.positional { positional.append(try p.get()) }
        var keywords: [String: Value] = [:]
        for (k, v) in args.keywords { keywords[k] = try v.get() }
        var out = ""
        var chars = Array(template)[...]
        var autoIndex = 0
        func fail(_ message: String) -> TemplateError { .type(message: message, expression: "") }
        while let ch = chars.popFirst() {
            if ch == "}" {
                guard chars.first == "}" else { throw fail("Single '}' encountered in format string") }
                chars.removeFirst()
                out.append("}")
                continue
            }
            guard ch == "{" else { out.append(ch); continue }
            if chars.first == "{" { chars.removeFirst(); out.append("{"); continue }
            var field = ""
            var depth = 0
            while let c = chars.popFirst() {
                if c == "{" { depth += 1 }
                if c == "}" { if depth == 0 { break }; depth -= 1 }
                field.append(c)
            }
            var spec = ""
            var conversion: Character?
            if let colon = field.firstIndex(of: ":") {
                spec = String(field[field.index(after: colon)...])
                field = String(field[..<colon])
            }
            if let bang = field.firstIndex(of: "!") {
                conversion = field[field.index(after: bang)...].first
                field = String(field[..<bang])
            }
            // Field name: index or keyword, then .attr / [key] parts.
            var head = ""
            var rest = Substring(field)
            while let c = rest.first, c != ".", c != "[" { head.append(c); rest.removeFirst() }
            var value: Value
            if head.isEmpty {
                guard autoIndex < positional.count else { throw fail("Replacement index \(autoIndex) out of range for positional args tuple") }
                value = positional[autoIndex]
                autoIndex += 1
            } else if let i = Int(head) {
                guard i < positional.count else { throw fail("Replacement index \(i) out of range for positional args tuple") }
                value = positional[i]
            } else {
                guard let v = keywords[head] else { throw fail("KeyError: '\(head)'") }
                value = v
            }
            while let c = rest.popFirst() {
                var key = ""
                if c == "." {
                    while let d = rest.first, d != ".", d != "[" { key.append(d); rest.removeFirst() }
                } else {
                    while let d = rest.popFirst(), d != "]" { key.append(d) }
                }
                let keyValue: Value = Int(key).map { .int($0) } ?? .string(key)
                guard let member = try Evaluator.item(value, keyValue) else { throw fail("KeyError: '\(key)'") }
                value = member
            }
            if conversion == "r" { value = .string(value.pythonRepr) } else if conversion == "s" { value = .string(value.renderedString) }
            out += try applySpec(value, spec)
        }
        return out
    }

    /// Python's format-spec mini-language: `[[fill]align][sign][#][0][width][,][.precision][type]`.
    static func applySpec(_ value: Value, _ spec: String) throws(TemplateError) -> String {
        var chars = Array(spec)[...]
        var fill: Character = " "
        var align: Character?
        if chars.count >= 2, "<>^=".contains(chars[chars.startIndex + 1]) {
            fill = chars.removeFirst()
            align = chars.removeFirst()
        } else if let c = chars.first, "<>^=".contains(c) {
            align = c
            chars.removeFirst()
        }
        var sign: Character = "-"
        if let c = chars.first, "+- ".contains(c) { sign = c; chars.removeFirst() }
        var alternate = false
        if chars.first == "#" { alternate = true; chars.removeFirst() }
        if chars.first == "0" {
            if align == nil { fill = "0"; align = "=" }
            chars.removeFirst()
        }
        var width = ""
        while let c = chars.first, c.isASCII, c.isNumber { width.append(c); chars.removeFirst() }
        var grouping: Character?
        if let c = chars.first, c == "," || c == "_" { grouping = c; chars.removeFirst() }
        var precision: Int?
        if chars.first == "." {
            chars.removeFirst()
            var p = ""
            while let c = chars.first, c.isASCII, c.isNumber { p.append(c); chars.removeFirst() }
            precision = Int(p)
        }
        let type = chars.first
        var body: String
        var isNumeric = false
        var negative = false
        switch (value, type) {
        case (.string(let s), nil), (.string(let s), "s"?):
            body = precision.map { String(s.prefix($0)) } ?? s
        case (_, "s"?):
            body = value.renderedString
        default:
            guard let n = Python.number(value) else {
                if type == nil { body = value.renderedString; break }
                throw .type(message: "Unknown format code '\(type!)' for object of type '\(value.typeName)'", expression: "")
            }
            isNumeric = true
            switch (n, type) {
            case (.int(let i), nil), (.int(let i), "d"?):
                negative = i < 0
                body = String(i.magnitude)
            case (_, "x"?), (_, "X"?), (_, "o"?), (_, "b"?):
                guard case .int(let i) = n else { throw .type(message: "Unknown format code '\(type!)' for object of type 'float'", expression: "") }
                negative = i < 0
                let radix = type == "o" ? 8 : type == "b" ? 2 : 16
                body = String(i.magnitude, radix: radix, uppercase: type == "X")
                if alternate { body = (type == "o" ? "0o" : type == "b" ? "0b" : type == "X" ? "0X" : "0x") + body }
            case (_, "%"?):
                let d = Python.double(n) * 100
                negative = d < 0
                body = String(format: "%.\(precision ?? 6)f", abs(d)) + "%"
            case (_, let t?) where "eEfFgG".contains(t):
                let d = Python.double(n)
                negative = d < 0
                body = String(format: "%.\(precision ?? 6)\(t)", abs(d))
            case (.double(let d), nil):
                negative = d < 0
                body = precision.map { String(format: "%.\($0)g", abs(d)) } ?? Value.pythonFloatString(abs(d))
            default:
                throw .type(message: "Unknown format code '\(type!)' for object of type '\(value.typeName)'", expression: "")
            }
            if let grouping {
                let parts = body.split(separator: ".", maxSplits: 1)
                var digits = String(parts[0])
                var grouped = ""
                while digits.count > 3 {
                    grouped = String(grouping) + digits.suffix(3) + grouped
                    digits.removeLast(3)
                }
                body = digits + grouped + (parts.count > 1 ? "." + parts[1] : "")
            }
        }
        let signText = isNumeric ? (negative ? "-" : sign == "+" ? "+" : sign == " " ? " " : "") : ""
        let total = signText.count + body.count
        let targetWidth = Int(width) ?? 0
        guard total < targetWidth else { return signText + body }
        let padding = targetWidth - total
        let alignment = align ?? (isNumeric ? ">" : "<")
        let fillText = { (n: Int) in String(repeating: fill, count: n) }
        switch alignment {
        case "<": return signText + body + fillText(padding)
        case "^": return fillText(padding / 2) + signText + body + fillText(padding - padding / 2)
        case "=": return signText + fillText(padding) + body
        default: return fillText(padding) + signText + body
        }
    }

    // MARK: str() of module results

    /// `str(datetime.datetime.now())`: local time, `2024-05-01 12:34:56.123456`.
    package static func dateTime(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var micros = Int(((interval - Double(seconds)) * 1_000_000).rounded())
        if micros >= 1_000_000 { seconds += 1; micros -= 1_000_000 }
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%06d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }

    /// `str(datetime.timedelta)`: `0:00:00.003456`, `0:00:01` (no fraction when whole),
    /// `1 day, 0:00:00`.
    package static func timeDelta(_ duration: Duration) -> String {
        let totalMicros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let micros = totalMicros % 1_000_000
        var seconds = totalMicros / 1_000_000
        let days = seconds / 86_400
        seconds %= 86_400
        var text = String(format: "%d:%02d:%02d", Int(seconds / 3600), Int(seconds / 60 % 60), Int(seconds % 60))
        if micros != 0 { text += String(format: ".%06d", Int(micros)) }
        if days != 0 { text = "\(days) day\(days == 1 ? "" : "s"), " + text }
        return text
    }

    /// `str.splitlines()`: breaks at \n, \r\n, \r and the other line boundaries Python knows.
    package static func splitLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if previousWasCR {
                previousWasCR = false
                if scalar == "\n" { continue }
            }
            switch scalar.value {
            case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
                lines.append(current)
                current = ""
            case 0x0D:
                lines.append(current)
                current = ""
                previousWasCR = true
            default:
                current.unicodeScalars.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// `splitLines` as a list value (`stdout_lines`).
    package static func lines(_ text: String) -> Value {
        .list(splitLines(text).map(Value.string))
    }

    /// `s.rstrip("\r\n")`.
    package static func stripTrailingNewlines(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let last = scalars.last, last == "\n" || last == "\r" { scalars.removeLast() }
        return String(Substring(scalars))
    }
}
