import Foundation
import OrderedCollections
import PlayBase

/// The Python methods Ansible users call on strings, lists and dicts (`s.startswith('x')`,
/// `d.get('k', 0)`, `d.items()`...).
enum Methods {
    /// Methods that change their list or dict in place.
    static let mutating: Set<String> = ["append", "extend", "insert", "pop", "update", "remove", "clear"]

    static func mutate(_ target: inout Value, _ method: String, _ args: CallArguments) throws(TemplateError) -> Value {
        switch (target, method) {
        case (.list(var l), "append"):
            l.append(try args.required(0, "object"))
            target = .list(l)
        case (.list(var l), "extend"):
            l += try Python.iterate(try args.required(0, "iterable"))
            target = .list(l)
        case (.list(var l), "insert"):
            let i = try args.int(0, "index") ?? 0
            let position = i < 0 ? max(0, l.count + i) : min(i, l.count)
            l.insert(try args.required(1, "object"), at: position)
            target = .list(l)
        case (.list(var l), "pop"):
            guard !l.isEmpty else { throw .type(message: "pop from empty list", expression: "") }
            let i = try args.int(0, "index") ?? -1
            let position = i < 0 ? l.count + i : i
            guard l.indices.contains(position) else { throw .type(message: "pop index out of range", expression: "") }
            let item = l.remove(at: position)
            target = .list(l)
            return item
        case (.list(var l), "remove"):
            let item = try args.required(0, "value")
            guard let i = l.firstIndex(where: { Python.equals($0, item) }) else {
                throw .type(message: "list.remove(x): x not in list", expression: "")
            }
            l.remove(at: i)
            target = .list(l)
        case (.list, "clear"):
            target = .list([])
        case (.dict(var d), "update"):
            if let other = try args.value(0) {
                guard case .dict(let o) = other else { throw args.error("update() takes a dict") }
                for (k, v) in o { d[k] = v }
            }
            for (k, v) in args.keywords { d[k] = try v.get() }
            target = .dict(d)
        case (.dict(var d), "pop"):
            guard let key = try args.value(0).flatMap(Python.dictKey) else { throw args.error("pop expected at least 1 argument") }
            if let v = d.removeValue(forKey: key) { target = .dict(d); return v }
            guard let fallback = try args.value(1, "default") else {
                throw TemplateError.undefinedAttribute(message: "KeyError: '\(key)'", expression: "")
            }
            return fallback
        case (.dict, "clear"):
            target = .emptyDict
        default:
            throw TemplateError.undefinedAttribute(message: "object of type '\(target.typeName)' has no attribute '\(method)'", expression: "")
        }
        return .null
    }

    static func call(_ target: Value, _ method: String, _ args: CallArguments, _ ev: Evaluator) throws(TemplateError) -> Evaluated {
        let result: Value?
        switch target {
        case .string(let s): result = try string(s, method, args)
        case .list(let l): result = try list(l, method, args)
        case .dict(let d):
            if method == "cycle", d["index0"] != nil, case .int(let i)? = d["index0"], d["revindex"] != nil {
                // loop.cycle('odd', 'even')
                guard !args.positional.isEmpty else { throw args.error("no items for cycling given") }
                return args.positional[i % args.positional.count]
            }
            result = try dict(d, method, args)
        case .int, .double, .bool: result = try number(target, method, args)
        case .null: result = nil
        }
        guard let result else {
            throw TemplateError.undefinedAttribute(message: "object of type '\(target.typeName)' has no attribute '\(method)'", expression: "")
        }
        return .value(result)
    }

    private static func strings(_ v: Value?) -> [String]? {
        switch v {
        case .string(let s)?: return [s]
        case .list(let l)?: return l.map(\.renderedString)
        default: return nil
        }
    }

    private static func string(_ s: String, _ method: String, _ args: CallArguments) throws(TemplateError) -> Value? {
        switch method {
        case "startswith":
            guard let prefixes = strings(try args.value(0)) else { throw args.error("startswith first arg must be str or a tuple of str") }
            return .bool(prefixes.contains { s.hasPrefix($0) })
        case "endswith":
            guard let suffixes = strings(try args.value(0)) else { throw args.error("endswith first arg must be str or a tuple of str") }
            return .bool(suffixes.contains { s.hasSuffix($0) })
        case "split":
            return .list(StringOps.split(s, separator: try args.string(0, "sep"), maxSplit: try args.int(1, "maxsplit") ?? -1).map { .string($0) })
        case "rsplit":
            return .list(StringOps.rsplit(s, separator: try args.string(0, "sep"), maxSplit: try args.int(1, "maxsplit") ?? -1).map { .string($0) })
        case "splitlines":
            return .list(StringOps.splitLines(s).map { .string($0) })
        case "strip": return .string(StringOps.strip(s, try args.string(0), leading: true, trailing: true))
        case "lstrip": return .string(StringOps.strip(s, try args.string(0), leading: true, trailing: false))
        case "rstrip": return .string(StringOps.strip(s, try args.string(0), leading: false, trailing: true))
        case "lower": return .string(s.lowercased())
        case "upper": return .string(s.uppercased())
        case "capitalize": return .string(StringOps.capitalize(s))
        case "title": return .string(StringOps.title(s))
        case "swapcase":
            return .string(String(s.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) }))
        case "replace":
            guard let old = try args.string(0), let new = try args.string(1) else { throw args.error("replace() takes old and new strings") }
            return .string(StringOps.replace(s, old, new, count: try args.int(2, "count") ?? -1))
        case "format":
            return .string(try PythonFormat.format(s, args))
        case "join":
            guard let items = try args.value(0) else { throw args.error("join() takes exactly one argument") }
            return .string(try Python.iterate(items).map(\.renderedString).joined(separator: s))
        case "find", "index", "rfind", "rindex":
            guard let needle = try args.string(0) else { throw args.error("\(method)() needs a substring") }
            let chars = Array(s), n = Array(needle)
            var found = -1
            if n.count <= chars.count {
                let range = Array(0...(chars.count - n.count))
                for i in method.hasPrefix("r") ? range.reversed() : range where Array(chars[i..<i + n.count]) == n {
                    found = i
                    break
                }
            }
            if found < 0, method.hasSuffix("index") { throw .type(message: "substring not found", expression: "") }
            return .int(found)
        case "count":
            guard let needle = try args.string(0) else { throw args.error("count() needs a substring") }
            return .int(StringOps.count(s, needle))
        case "isdigit": return .bool(!s.isEmpty && s.allSatisfy(\.isNumber))
        case "isnumeric", "isdecimal": return .bool(!s.isEmpty && s.allSatisfy(\.isNumber))
        case "isalpha": return .bool(!s.isEmpty && s.allSatisfy(\.isLetter))
        case "isalnum": return .bool(!s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber })
        case "isspace": return .bool(!s.isEmpty && s.allSatisfy(\.isWhitespace))
        case "islower": return .bool(s.contains(where: \.isLowercase) && !s.contains(where: \.isUppercase))
        case "isupper": return .bool(s.contains(where: \.isUppercase) && !s.contains(where: \.isLowercase))
        case "zfill":
            let width = try args.int(0) ?? 0
            var body = s, sign = ""
            if let f = body.first, f == "-" || f == "+" { sign = String(f); body.removeFirst() }
            return .string(sign + String(repeating: "0", count: max(0, width - s.count)) + body)
        case "ljust", "rjust", "center":
            let width = try args.int(0) ?? 0
            let fill = try args.string(1) ?? " "
            let pad = max(0, width - s.count)
            switch method {
            case "ljust": return .string(s + String(repeating: fill, count: pad))
            case "rjust": return .string(String(repeating: fill, count: pad) + s)
            default: return .string(StringOps.center(s, width: width, fill: fill))
            }
        case "partition", "rpartition":
            guard let sep = try args.string(0), !sep.isEmpty else { throw args.error("empty separator") }
            let range = method == "partition" ? s.range(of: sep) : s.range(of: sep, options: .backwards)
            guard let range else {
                return method == "partition" ? [.string(s), "", ""] : ["", "", .string(s)]
            }
            return [.string(String(s[..<range.lowerBound])), .string(sep), .string(String(s[range.upperBound...]))]
        case "encode", "decode":
            return .string(s)
        default:
            return nil
        }
    }

    private static func list(_ l: [Value], _ method: String, _ args: CallArguments) throws(TemplateError) -> Value? {
        switch method {
        case "index":
            guard let item = try args.value(0) else { throw args.error("index() takes exactly one argument") }
            guard let i = l.firstIndex(where: { Python.equals($0, item) }) else {
                throw .type(message: "\(item.pythonRepr) is not in list", expression: "")
            }
            return .int(i)
        case "count":
            guard let item = try args.value(0) else { throw args.error("count() takes exactly one argument") }
            return .int(l.filter { Python.equals($0, item) }.count)
        case "copy":
            return .list(l)
        default:
            return nil
        }
    }

    private static func dict(_ d: OrderedDictionary<String, Value>, _ method: String, _ args: CallArguments) throws(TemplateError) -> Value? {
        switch method {
        case "get":
            guard let key = try args.value(0) else { throw args.error("get expected at least 1 argument, got 0") }
            if let k = Python.dictKey(key), let v = d[k] { return v }
            return try args.value(1, "default") ?? .null
        case "keys": return .list(d.keys.map { .string($0) })
        case "values": return .list(Array(d.values))
        case "items": return .list(d.map { .list([.string($0.key), $0.value]) })
        case "copy": return .dict(d)
        default:
            return nil
        }
    }

    private static func number(_ v: Value, _ method: String, _ args: CallArguments) throws(TemplateError) -> Value? {
        switch method {
        case "is_integer":
            if case .double(let d) = v { return .bool(d == d.rounded()) }
            return .bool(true)
        default:
            return nil
        }
    }
}
