import Foundation
import PlayBase

/// Python's rules for operators on values, which Jinja (and so Ansible) follows: numeric tower
/// bool < int < float, `+` on str and list, `*` repetition, floor division and modulo that round
/// toward negative infinity, and TypeErrors worded as Python words them.
enum Python {
    enum Number {
        case int(Int)
        case double(Double)
    }

    static func number(_ v: Value) -> Number? {
        switch v {
        case .int(let i): return .int(i)
        case .bool(let b): return .int(b ? 1 : 0)
        case .double(let d): return .double(d)
        default: return nil
        }
    }

    static func isNumber(_ v: Value) -> Bool { number(v) != nil }

    static func value(_ n: Number) -> Value {
        switch n {
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        }
    }

    static func double(_ n: Number) -> Double {
        switch n {
        case .int(let i): return Double(i)
        case .double(let d): return d
        }
    }

    // MARK: Equality and ordering

    static func equals(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.null, .null): return true
        case (.list(let x), .list(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equals($0, $1) }
        case (.dict(let x), .dict(let y)):
            guard x.count == y.count else { return false }
            for (k, v) in x {
                guard let w = y[k], equals(v, w) else { return false }
            }
            return true
        default:
            if let x = number(a), let y = number(b) {
                if case .int(let i) = x, case .int(let j) = y { return i == j }
                return double(x) == double(y)
            }
            return false
        }
    }

    /// -1, 0 or 1 as Python's `<` would order the two; a TypeError for unorderable types.
    static func order(_ a: Value, _ b: Value, op: String = "<") throws(TemplateError) -> Int {
        switch (a, b) {
        case (.string(let x), .string(let y)):
            return x == y ? 0 : (x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? -1 : 1)
        case (.list(let x), .list(let y)):
            for (p, q) in zip(x, y) where !equals(p, q) { return try order(p, q, op: op) }
            return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
        default:
            if let x = number(a), let y = number(b) {
                if case .int(let i) = x, case .int(let j) = y { return i == j ? 0 : (i < j ? -1 : 1) }
                let p = double(x), q = double(y)
                return p == q ? 0 : (p < q ? -1 : 1)
            }
            throw .type(message: "'\(op)' not supported between instances of '\(a.typeName)' and '\(b.typeName)'", expression: "")
        }
    }

    static func compare(_ op: TemplateExpression.CompareOperator, _ a: Value, _ b: Value) throws(TemplateError) -> Bool {
        switch op {
        case .equal: return equals(a, b)
        case .notEqual: return !equals(a, b)
        case .less: return try order(a, b, op: "<") < 0
        case .lessEqual: return try order(a, b, op: "<=") <= 0
        case .greater: return try order(a, b, op: ">") > 0
        case .greaterEqual: return try order(a, b, op: ">=") >= 0
        case .in: return try contains(b, a)
        case .notIn: return try !contains(b, a)
        }
    }

    /// `item in container`.
    static func contains(_ container: Value, _ item: Value) throws(TemplateError) -> Bool {
        switch container {
        case .string(let s):
            guard case .string(let needle) = item else {
                throw .type(message: "'in <string>' requires string as left operand, not \(item.typeName)", expression: "")
            }
            return needle.isEmpty || s.contains(needle)
        case .list(let l): return l.contains { equals($0, item) }
        case .dict(let d):
            guard let key = dictKey(item) else { return false }
            return d[key] != nil
        default:
            throw .type(message: "argument of type '\(container.typeName)' is not iterable", expression: "")
        }
    }

    /// How a value is spelled as a dict key (YAML keys load as strings; numbers match their text).
    static func dictKey(_ v: Value) -> String? {
        switch v {
        case .string(let s): return s
        case .int, .double, .bool: return v.renderedString
        default: return nil
        }
    }

    // MARK: Iteration

    /// The items `for x in value` visits: list items, dict keys, string characters.
    static func iterate(_ v: Value) throws(TemplateError) -> [Value] {
        switch v {
        case .list(let l): return l
        case .dict(let d): return d.keys.map { .string($0) }
        case .string(let s): return s.map { .string(String($0)) }
        default: throw .type(message: "'\(v.typeName)' object is not iterable", expression: "")
        }
    }

    // MARK: Arithmetic

    static func binary(_ op: TemplateExpression.BinaryOperator, _ a: Value, _ b: Value) throws(TemplateError) -> Value {
        switch op {
        case .add: return try add(a, b)
        case .subtract: return try numeric(a, b, "-", { $0.subtractingReportingOverflow($1) }, { $0 - $1 })
        case .multiply: return try multiply(a, b)
        case .divide:
            guard let x = number(a), let y = number(b) else { throw unsupported("/", a, b) }
            guard double(y) != 0 else { throw .type(message: "division by zero", expression: "") }
            return .double(double(x) / double(y))
        case .floorDivide:
            guard let x = number(a), let y = number(b) else { throw unsupported("//", a, b) }
            if case .int(let i) = x, case .int(let j) = y {
                guard j != 0 else { throw .type(message: "integer division or modulo by zero", expression: "") }
                return .int(floorDiv(i, j))
            }
            guard double(y) != 0 else { throw .type(message: "float floor division by zero", expression: "") }
            return .double((double(x) / double(y)).rounded(.down))
        case .modulo:
            if case .string(let format) = a { return .string(try PythonFormat.percent(format, b)) }
            guard let x = number(a), let y = number(b) else { throw unsupported("%", a, b) }
            if case .int(let i) = x, case .int(let j) = y {
                guard j != 0 else { throw .type(message: "integer division or modulo by zero", expression: "") }
                return .int(i - floorDiv(i, j) * j)
            }
            let p = double(x), q = double(y)
            guard q != 0 else { throw .type(message: "float modulo", expression: "") }
            var r = p.truncatingRemainder(dividingBy: q)
            if r != 0, (r < 0) != (q < 0) { r += q }
            return .double(r)
        case .power:
            guard let x = number(a), let y = number(b) else { throw unsupported("** or pow()", a, b) }
            if case .int(let i) = x, case .int(let j) = y, j >= 0 {
                var result = 1, overflow = false
                for _ in 0..<min(j, 64) where !overflow {
                    let (r, o) = result.multipliedReportingOverflow(by: i)
                    result = r
                    overflow = o
                }
                if j > 64 && abs(i) > 1 { overflow = true }
                if j > 64 && i == -1 { result = j % 2 == 0 ? 1 : -1 }
                if !overflow { return .int(result) }
            }
            return .double(Foundation.pow(double(x), double(y)))
        case .concat:
            return .string(a.renderedString + b.renderedString)
        }
    }

    static func floorDiv(_ i: Int, _ j: Int) -> Int {
        let q = i / j
        return (i % j != 0 && ((i < 0) != (j < 0))) ? q - 1 : q
    }

    private static func add(_ a: Value, _ b: Value) throws(TemplateError) -> Value {
        switch (a, b) {
        case (.string(let x), .string(let y)): return .string(x + y)
        case (.list(let x), .list(let y)): return .list(x + y)
        case (.string, _):
            throw .type(message: "can only concatenate str (not \"\(b.typeName)\") to str", expression: "")
        case (.list, _):
            throw .type(message: "can only concatenate list (not \"\(b.typeName)\") to list", expression: "")
        default:
            return try numeric(a, b, "+", { $0.addingReportingOverflow($1) }, { $0 + $1 })
        }
    }

    private static func multiply(_ a: Value, _ b: Value) throws(TemplateError) -> Value {
        switch (a, b) {
        case (.string(let s), _) where !isDouble(b):
            guard let n = number(b), case .int(let k) = n else { throw unsupported("*", a, b, sequence: true) }
            return .string(String(repeating: s, count: max(0, k)))
        case (_, .string(let s)) where !isDouble(a):
            guard let n = number(a), case .int(let k) = n else { throw unsupported("*", a, b, sequence: true) }
            return .string(String(repeating: s, count: max(0, k)))
        case (.list(let l), _) where !isDouble(b):
            guard let n = number(b), case .int(let k) = n else { throw unsupported("*", a, b, sequence: true) }
            return .list(Array([[Value]](repeating: l, count: max(0, k)).joined()))
        case (_, .list(let l)) where !isDouble(a):
            guard let n = number(a), case .int(let k) = n else { throw unsupported("*", a, b, sequence: true) }
            return .list(Array([[Value]](repeating: l, count: max(0, k)).joined()))
        default:
            return try numeric(a, b, "*", { $0.multipliedReportingOverflow(by: $1) }, { $0 * $1 })
        }
    }

    private static func isDouble(_ v: Value) -> Bool { if case .double = v { return true }; return false }

    private static func numeric(_ a: Value, _ b: Value, _ symbol: String,
                                _ intOp: (Int, Int) -> (partialValue: Int, overflow: Bool),
                                _ doubleOp: (Double, Double) -> Double) throws(TemplateError) -> Value {
        guard let x = number(a), let y = number(b) else { throw unsupported(symbol, a, b) }
        if case .int(let i) = x, case .int(let j) = y {
            let (r, overflow) = intOp(i, j)
            // Python integers do not overflow; the nearest we have is a float.
            return overflow ? .double(doubleOp(Double(i), Double(j))) : .int(r)
        }
        return .double(doubleOp(double(x), double(y)))
    }

    private static func unsupported(_ op: String, _ a: Value, _ b: Value, sequence: Bool = false) -> TemplateError {
        if sequence {
            let other = (a.stringValue != nil || a.listValue != nil) ? b : a
            return .type(message: "can't multiply sequence by non-int of type '\(other.typeName)'", expression: "")
        }
        return .type(message: "unsupported operand type(s) for \(op): '\(a.typeName)' and '\(b.typeName)'", expression: "")
    }

    static func negate(_ v: Value) throws(TemplateError) -> Value {
        switch number(v) {
        case .int(let i)?: return i == .min ? .double(-Double(i)) : .int(-i)
        case .double(let d)?: return .double(-d)
        case nil: throw .type(message: "bad operand type for unary -: '\(v.typeName)'", expression: "")
        }
    }
}

