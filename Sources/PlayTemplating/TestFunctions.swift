import Foundation
import PlayBase

/// The test registry (`x is defined`, `result is failed`, `v is version('1.2', '>=')`...): Jinja's
/// built-in tests and Ansible's.
enum TestFunctions {
    typealias Function = @Sendable (Evaluated, CallArguments, Evaluator) throws(TemplateError) -> Bool

    static let table: [String: Function] = {
        var t: [String: Function] = [
            "defined": { (input, _, _) in input.isDefined },
            "undefined": { (input, _, _) in !input.isDefined },
            "none": value { v, _ in v == .null },
            "true": value { v, _ in v == .bool(true) },
            "false": value { v, _ in v == .bool(false) },
            "boolean": value { v, _ in v.boolValue != nil },
            "string": value { v, _ in v.stringValue != nil },
            "number": value { v, _ in Python.isNumber(v) },
            "integer": value { v, _ in v.intValue != nil },
            "float": value { v, _ in if case .double = v { return true }; return false },
            "mapping": value { v, _ in v.dictValue != nil },
            "sequence": value { v, _ in collection(v) },
            "iterable": value { v, _ in collection(v) },
            "nan": value { v, _ in if case .double(let d) = v { return d.isNaN }; return false },
            "truthy": value { v, args throws(TemplateError) in
                (try args.bool(0, "convert_bool") ?? false) ? try Filters.toBool(v, args) : v.isTruthy
            },
            "falsy": value { v, args throws(TemplateError) in
                !((try args.bool(0, "convert_bool") ?? false) ? try Filters.toBool(v, args) : v.isTruthy)
            },
            "odd": value { v, args throws(TemplateError) in try integer(v, args) % 2 != 0 },
            "even": value { v, args throws(TemplateError) in try integer(v, args) % 2 == 0 },
            "divisibleby": value { v, args throws(TemplateError) in
                guard let n = try args.int(0, "num"), n != 0 else { throw args.error("divisibleby needs a non-zero number") }
                return try integer(v, args) % n == 0
            },
            "sameas": value { v, args throws(TemplateError) in
                let other = try args.required(0, "other")
                return v == other
            },
            "lower": value { v, _ in v.stringValue.map { $0 == $0.lowercased() && $0.contains(where: \.isLetter) } ?? false },
            "upper": value { v, _ in v.stringValue.map { $0 == $0.uppercased() && $0.contains(where: \.isLetter) } ?? false },
            "in": value { v, args throws(TemplateError) in try Python.contains(try args.required(0, "seq"), v) },
            "contains": value { v, args throws(TemplateError) in try Python.contains(v, try args.required(0, "value")) },
            "subset": value { v, args throws(TemplateError) in
                let other = try Filters.items(try args.required(0, "b"), args)
                return try Filters.items(v, args).allSatisfy { x in other.contains { Python.equals($0, x) } }
            },
            "superset": value { v, args throws(TemplateError) in
                let other = try Filters.items(try args.required(0, "b"), args)
                let mine = try Filters.items(v, args)
                return other.allSatisfy { x in mine.contains { Python.equals($0, x) } }
            },
            "any": value { v, args throws(TemplateError) in try Filters.items(v, args).contains(where: \.isTruthy) },
            "all": value { v, args throws(TemplateError) in try Filters.items(v, args).allSatisfy(\.isTruthy) },
            "match": value { v, args throws(TemplateError) in try regex(v, args, mode: "match") },
            "search": value { v, args throws(TemplateError) in try regex(v, args, mode: "search") },
            "regex": value { v, args throws(TemplateError) in
                try regex(v, args, mode: try args.keyword("match_type")?.get().renderedString ?? "search")
            },
            "version": value(version),
            "version_compare": value(version),
            "failed": result { r in r["failed"]?.isTruthy ?? false },
            "succeeded": result { r in !(r["failed"]?.isTruthy ?? false) },
            "changed": result { r in
                if let c = r["changed"] { return c.isTruthy }
                return r["results"]?.listValue?.contains { $0["changed"]?.isTruthy ?? false } ?? false
            },
            "skipped": result { r in
                if let s = r["skipped"] { return s.isTruthy }
                guard let results = r["results"]?.listValue, !results.isEmpty else { return false }
                return results.allSatisfy { $0["skipped"]?.isTruthy ?? false }
            },
            "unreachable": result { r in r["unreachable"]?.isTruthy ?? false },
            "reachable": result { r in !(r["unreachable"]?.isTruthy ?? false) },
            "finished": result { r in r["finished"].map(\.isTruthy) ?? true },
            "started": result { r in r["started"].map(\.isTruthy) ?? true },
            "abs": value { v, _ in v.renderedString.hasPrefix("/") },
            "exists": value { v, _ in FileManager.default.fileExists(atPath: expand(v.renderedString)) },
            "file": value { v, _ in isKind(v, directory: false) },
            "directory": value { v, _ in isKind(v, directory: true) },
            "link": value { v, _ in
                (try? FileManager.default.destinationOfSymbolicLink(atPath: expand(v.renderedString))) != nil
            },
        ]
        for (alias, name) in ["success": "succeeded", "failure": "failed", "change": "changed", "skip": "skipped",
                              "is_abs": "abs", "is_file": "file", "is_dir": "directory", "is_link": "link",
                              "superset": "superset", "issubset": "subset", "issuperset": "superset"] {
            t[alias] = t[name]
        }
        let comparisons: [(String, TemplateExpression.CompareOperator)] = [
            ("==", .equal), ("eq", .equal), ("equalto", .equal), ("!=", .notEqual), ("ne", .notEqual),
            ("<", .less), ("lt", .less), ("lessthan", .less), ("<=", .lessEqual), ("le", .lessEqual),
            (">", .greater), ("gt", .greater), ("greaterthan", .greater), (">=", .greaterEqual), ("ge", .greaterEqual),
        ]
        for (name, op) in comparisons {
            t[name] = value { v, args throws(TemplateError) in try Python.compare(op, v, try args.required(0, "other")) }
        }
        return t
    }()

    /// A test that needs a defined input.
    private static func value(_ body: @escaping @Sendable (Value, CallArguments) throws(TemplateError) -> Bool) -> Function {
        { (input, args, _) throws(TemplateError) in try body(try input.get(), args) }
    }

    /// A test on a registered task result.
    private static func result(_ body: @escaping @Sendable (Value) -> Bool) -> Function {
        { (input, args, _) throws(TemplateError) in
            let v = try input.get()
            guard case .dict = v else { throw args.error("The '\(args.name)' test expects a dictionary") }
            return body(v)
        }
    }

    private static func collection(_ v: Value) -> Bool {
        switch v {
        case .string, .list, .dict: return true
        default: return false
        }
    }

    private static func integer(_ v: Value, _ args: CallArguments) throws(TemplateError) -> Int {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .double(let d) where d == d.rounded(): return Int(d)
        default: throw args.error("expected a number, got \(v.typeName)")
        }
    }

    private static func regex(_ v: Value, _ args: CallArguments, mode: String) throws(TemplateError) -> Bool {
        guard case .string(let s) = v else { return false }
        let pattern = try args.string(0, "pattern") ?? ""
        let re = try Filters.compile(args, pattern: pattern)
        switch mode {
        case "match":
            return re.firstMatch(s, anchored: true) != nil
        case "fullmatch":
            guard let m = re.firstMatch(s, anchored: true) else { return false }
            return m.range.length == (s as NSString).length
        case "search":
            return re.firstMatch(s) != nil
        default:
            throw args.error("match_type must be 'match', 'search' or 'fullmatch', got '\(mode)'")
        }
    }

    private static func version(_ v: Value, _ args: CallArguments) throws(TemplateError) -> Bool {
        guard let other = try args.string(0, "version") else { throw args.error("version value is required") }
        let op = try args.string(1, "operator") ?? "eq"
        guard let check = VersionCompare.operators[op] else { throw args.error("Invalid operator type (\(op))") }
        let strict = try args.bool(2, "strict") ?? false
        let type = try args.string(-1, "version_type") ?? (strict ? "strict" : "loose")
        let mine = v.renderedString
        let order: Int
        switch type {
        case "semver", "semantic":
            guard let o = VersionCompare.compareSemver(mine, other) else {
                throw args.error("'\(mine)' or '\(other)' is not a valid semantic version")
            }
            order = o
        case "loose", "strict", "pep440":
            order = VersionCompare.compareLoose(mine, other)
        default:
            throw args.error("Invalid version type (\(type)); use loose, strict, semver, semantic or pep440")
        }
        return check(order)
    }

    private static func expand(_ path: String) -> String {
        path == "~" || path.hasPrefix("~/") ? NSHomeDirectory() + path.dropFirst() : path
    }

    private static func isKind(_ v: Value, directory: Bool) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: expand(v.renderedString), isDirectory: &isDirectory) else { return false }
        return isDirectory.boolValue == directory
    }
}
