import OrderedCollections
import PlayBase

/// Checks a task's arguments against its module's spec: unknown names, types, choices, required
/// arguments and argument groups. The parser and the executor share it, in two modes:
/// - `.parse`: the arguments as written. Values holding `{{` are left for run time; every problem
///   is reported (the parser turns each into a diagnostic).
/// - `.run`: the arguments after templating. Values are converted as Ansible's module layer does
///   (`"8080"` is 8080, `"a,b"` a list), defaults are filled, and the first problem is thrown.
public struct ArgumentChecker: Sendable {
    public enum Mode: Sendable { case parse, run }

    public let spec: ModuleSpec
    public let mode: Mode

    public init(_ spec: ModuleSpec, mode: Mode) {
        self.spec = spec
        self.mode = mode
    }

    /// Every problem with the arguments as written, in the order they appear (parse mode).
    public static func problems(_ args: OrderedDictionary<String, Value>, against spec: ModuleSpec) -> [ArgumentProblem] {
        ArgumentChecker(spec, mode: .parse).walk(args).problems
    }

    /// The rendered arguments converted and completed with defaults, under the spec's names (run mode).
    /// Throws the problem Ansible would report first.
    public static func checked(_ args: OrderedDictionary<String, Value>,
                               against spec: ModuleSpec) throws(ArgumentProblem) -> OrderedDictionary<String, Value> {
        let result = ArgumentChecker(spec, mode: .run).walk(args)
        // Ansible converts values while it reads them, and reports unknown names after.
        if let first = result.problems.first { throw first }
        return result.args
    }

    private func walk(_ args: OrderedDictionary<String, Value>) -> (args: OrderedDictionary<String, Value>, problems: [ArgumentProblem]) {
        if spec.acceptsAnyArguments { return (args, []) }
        var out: OrderedDictionary<String, Value> = [:]
        var valueProblems: [ArgumentProblem] = []
        var unknown: [String] = []
        for (key, value) in args {
            // Free-form text; at run time also Ansible's internal `_ansible_*` keys.
            let isInternal = mode == .run ? key.hasPrefix("_") : key == "_raw_params"
            if isInternal && spec.argument(named: key) == nil {
                if mode == .parse && spec.freeForm != .rawParams {
                    valueProblems.append(.freeFormNotAccepted(text: value.renderedString))
                }
                out[key] = value
                continue
            }
            guard let arg = spec.argument(named: key) else {
                if mode == .parse {
                    // One finding a key, in the order written.
                    valueProblems.append(.unsupported([key], module: spec.name, supported: supportedNames))
                } else {
                    unknown.append(key)
                }
                continue
            }
            // At run time `_raw_params` is the parser's product: passed on as it is.
            if mode == .run && key.hasPrefix("_") { out[arg.name] = value; continue }
            switch check(value, against: arg) {
            case .success(let v): out[mode == .run ? arg.name : key] = v
            case .failure(let problem):
                valueProblems.append(problem)
                if mode == .run { return (out, [problem]) }
            }
        }
        var problems = valueProblems
        if !unknown.isEmpty { problems.append(.unsupported(unknown, module: spec.name, supported: supportedNames)) }

        func given(_ name: String) -> Bool {
            // A null counts as written for the parser; at run time it is as good as absent.
            func written(_ key: String) -> Bool { out[key].map { mode == .parse || $0 != .null } ?? false }
            guard let arg = spec.argument(named: name) else { return written(name) }
            return written(arg.name) || arg.aliases.contains(where: written)
        }
        let missing = spec.arguments.filter { $0.required && !given($0.name) }.map(\.name)
        if !missing.isEmpty { problems.append(.missing(missing)) }
        for group in spec.mutuallyExclusive {
            let present = group.filter(given)
            if present.count > 1 { problems.append(.mutuallyExclusive(group: group, present: present)) }
        }
        for group in spec.requiredOneOf where !group.contains(where: given) {
            problems.append(.requiredOneOf(group))
        }
        if mode == .run {
            for arg in spec.arguments where out[arg.name] == nil {
                if let d = arg.defaultValue { out[arg.name] = d }
            }
        }
        return (out, problems)
    }

    /// Names a user may write (for "supported parameters include").
    private var supportedNames: [String] { spec.arguments.flatMap { [$0.name] + $0.aliases } }

    /// One value against its argument: as written (parse) or converted (run).
    private func check(_ value: Value, against arg: ArgumentSpec) -> Result<Value, ArgumentProblem> {
        switch mode {
        case .parse:
            if Self.containsTemplate(value) || value.isNull { return .success(value) }
            guard Self.conforms(value, to: arg.type) else {
                return .failure(.wrongType(argument: arg.name, value: value, expected: arg.type))
            }
            if arg.type == .list, let element = arg.elements, case .list(let items) = value {
                for item in items where !Self.containsTemplate(item) && !Self.conforms(item, to: element) {
                    return .failure(.wrongElementType(argument: arg.name, element: item, expected: element))
                }
            }
            if let choices = arg.choices {
                for v in (arg.type == .list ? value.listValue : nil) ?? [value] {
                    let text = Self.choiceText(v)
                    if !choices.contains(text) { return .failure(.notAChoice(argument: arg.name, text: text, choices: choices)) }
                }
            }
            return .success(value)
        case .run:
            if value == .null { return .success(value) }
            guard let converted = Self.convert(value, to: arg.type) else {
                return .failure(.wrongType(argument: arg.name, value: value, expected: arg.type))
            }
            if let choices = arg.choices, case .string(let s) = converted, !choices.contains(s) {
                return .failure(.notAChoice(argument: arg.name, text: s, choices: choices))
            }
            return .success(converted)
        }
    }

    /// Booleans compare as Ansible's module layer sees them after conversion.
    private static func choiceText(_ v: Value) -> String {
        switch v {
        case .bool(let b): return b ? "True" : "False"
        default: return v.renderedString
        }
    }

    public static func containsTemplate(_ v: Value) -> Bool {
        switch v {
        case .string(let s): return s.includes("{{") || s.includes("{%")
        default: return false
        }
    }

    /// Whether Ansible's argument spec would accept (convert) the value as written for the type.
    static func conforms(_ v: Value, to type: ArgumentType) -> Bool {
        switch type {
        case .raw: return true
        case .string, .path:
            switch v { case .string, .int, .double, .bool: return true; default: return false }
        case .int:
            switch v {
            case .int: return true
            case .double(let d): return d == d.rounded()
            case .string(let s): return Int(s.trimmingSpaces) != nil
            default: return false
            }
        case .float:
            switch v {
            case .int, .double: return true
            case .string(let s): return Double(s.trimmingSpaces) != nil
            default: return false
            }
        case .bool:
            return ParseSession.ansibleBoolean(v) != nil
        case .list:
            switch v { case .list, .string, .int, .double: return true; default: return false }
        case .dict:
            switch v { case .dict, .string: return true; default: return false }
        }
    }

    /// A rendered value converted to the type (nil when it cannot be).
    static func convert(_ value: Value, to type: ArgumentType) -> Value? {
        switch type {
        case .raw: return value
        case .string, .path:
            switch value {
            case .list, .dict: return nil
            default: return .string(value.renderedString)
            }
        case .int: return ValueCoercion.int(value).map(Value.int)
        case .float: return ValueCoercion.double(value).map(Value.double)
        case .bool: return ValueCoercion.bool(value).map(Value.bool)
        case .list: return .list(ValueCoercion.list(value))
        case .dict:
            if case .dict = value { return value }
            if case .string(let s) = value, s.isEmpty { return .emptyDict }
            return nil
        }
    }
}

extension ArgumentType {
    /// The type in the parser's words ("an integer").
    var phrase: String {
        switch self {
        case .string: return "a string"
        case .path: return "a path"
        case .int: return "an integer"
        case .float: return "a number"
        case .bool: return "a boolean"
        case .list: return "a list"
        case .dict: return "a mapping"
        case .raw: return "anything"
        }
    }
}
