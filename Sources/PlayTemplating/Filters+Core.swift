import Foundation
import PlayBase

extension Filters {
    /// Defaults, type conversions, numbers.
    static let core: [String: Function] = [
        "default": defaultFilter,
        "d": defaultFilter,
        "mandatory": { (input, args, _) throws(TemplateError) in
            if case .undefined(let u) = input {
                let message = try args.string(0, "msg") ?? "Mandatory variable '\(u.name)' not defined."
                throw TemplateError.filter(name: "mandatory", message: message)
            }
            return input
        },
        "bool": plain { v, args, _ throws(TemplateError) in .bool(try toBool(v, args)) },
        "int": plain { v, args, _ throws(TemplateError) in try toInt(v, args) },
        "float": plain { v, args, _ throws(TemplateError) in
            let fallback = try args.value(0, "default") ?? .double(0)
            switch v {
            case .double: return v
            case .int(let i): return .double(Double(i))
            case .bool(let b): return .double(b ? 1 : 0)
            case .string(let s): return Double(s.trimmingSpaces).map(Value.double) ?? fallback
            default: return fallback
            }
        },
        "string": plain { v, _, _ in .string(v.renderedString) },
        "list": plain { v, args, _ throws(TemplateError) in .list(try items(v, args)) },
        "length": plain { v, args, _ throws(TemplateError) in .int(try length(v, args)) },
        "count": plain { v, args, _ throws(TemplateError) in .int(try length(v, args)) },
        "ternary": plain { v, args, _ throws(TemplateError) in
            if case .null = v, let none = try args.value(2, "none_val") { return none }
            return v.isTruthy ? (try args.value(0, "true_val") ?? .null) : (try args.value(1, "false_val") ?? .null)
        },
        "type_debug": plain { v, _, _ in .string(v.typeName) },
        "abs": plain { v, args, _ throws(TemplateError) in
            switch v {
            case .int(let i): return i == .min ? .double(Double(i).magnitude) : .int(abs(i))
            case .double(let d): return .double(abs(d))
            case .bool(let b): return .int(b ? 1 : 0)
            default: throw args.error("bad operand type for abs(): '\(v.typeName)'")
            }
        },
        "round": plain { v, args, _ throws(TemplateError) in
            guard let n = Python.number(v) else { throw args.error("type \(v.typeName) doesn't define __round__ method") }
            let precision = try args.int(0, "precision") ?? 0
            let method = try args.string(1, "method") ?? "common"
            // Python's round() keeps ints as ints.
            if case .int = n, method == "common", precision >= 0 { return Python.value(n) }
            let scale = Foundation.pow(10.0, Double(precision))
            let x = Python.double(n) * scale
            let rounded: Double
            switch method {
            case "common": rounded = x.rounded(.toNearestOrEven)
            case "ceil": rounded = x.rounded(.up)
            case "floor": rounded = x.rounded(.down)
            default: throw args.error("method must be 'common', 'ceil' or 'floor'")
            }
            return .double(rounded / scale)
        },
        "attr": { (input, args, _) throws(TemplateError) in
            let v = try input.get()
            guard let name = try args.string(0, "name") else { throw args.error("attr() needs a name") }
            return Evaluator.member(v, name).map(Evaluated.value) ?? .undefined(.missingAttribute(of: v, name))
        },
        "safe": plain { v, _, _ in v },
        "pprint": plain { v, _, _ in .string(v.pythonRepr) },
    ]

    private static let defaultFilter: Function = { (input, args, _) throws(TemplateError) in
        let fallback = args.evaluated(0, "default_value") ?? .value(.string(""))
        switch input {
        case .undefined: return fallback
        case .value(let v):
            if try args.bool(1, "boolean") ?? false, !v.isTruthy { return fallback }
            return input
        }
    }

    static let trueWords: Set<String> = ["y", "yes", "on", "1", "true", "t"]
    static let falseWords: Set<String> = ["n", "no", "off", "0", "false", "f"]

    /// Ansible's `bool`: booleans, 1/0 and yes/no/on/off/true/false words; anything else is False.
    static func toBool(_ v: Value, _ args: CallArguments) throws(TemplateError) -> Bool {
        switch v {
        case .bool(let b): return b
        case .null: return false
        case .int(let i): return i == 1
        case .double(let d): return d == 1
        case .string(let s): return trueWords.contains(s.trimmingSpaces.lowercased())
        default: return false
        }
    }

    /// Jinja's `int`: numbers truncate, strings parse in `base` (prefixes like 0x allowed) or as a
    /// float; anything unparseable becomes `default` (0).
    static func toInt(_ v: Value, _ args: CallArguments) throws(TemplateError) -> Value {
        let fallback = try args.value(0, "default") ?? .int(0)
        let base = try args.int(1, "base") ?? 10
        switch v {
        case .int: return v
        case .bool(let b): return .int(b ? 1 : 0)
        case .double(let d): return d.isFinite && abs(d) < 9.2e18 ? .int(Int(d)) : fallback
        case .string(let raw):
            var s = raw.trimmingSpaces.replacingOccurrences("_", "")
            var negative = false
            if s.hasPrefix("-") { negative = true; s.removeFirst() } else if s.hasPrefix("+") { s.removeFirst() }
            let lower = s.lowercased()
            let prefixes: [Int: String] = [16: "0x", 8: "0o", 2: "0b"]
            if let p = prefixes[base], lower.hasPrefix(p) { s = String(s.dropFirst(2)) }
            if let i = Int(s, radix: base) { return .int(negative ? -i : i) }
            if base == 10, let d = Double(raw.trimmingSpaces), d.isFinite, abs(d) < 9.2e18 { return .int(Int(d)) }
            return fallback
        default:
            return fallback
        }
    }

    static func length(_ v: Value, _ args: CallArguments) throws(TemplateError) -> Int {
        switch v {
        case .string(let s): return s.count
        case .list(let l): return l.count
        case .dict(let d): return d.count
        default: throw args.error("object of type '\(v.typeName)' has no len()")
        }
    }
}
