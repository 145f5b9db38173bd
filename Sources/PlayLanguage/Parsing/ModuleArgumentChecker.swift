import OrderedCollections
import PlayBase

/// Checks a task's arguments against its module's spec before anything runs: unknown names,
/// types, choices, required arguments and argument groups. Values holding `{{` are left to run time.
struct ModuleArgumentChecker {
    let session: ParseSession

    func check(_ args: OrderedDictionary<String, Value>, locations: [String: SourceLocation], spec: ModuleSpec,
               call: ParseSession.ActionCall) {
        let module = call.written
        if !spec.acceptsAnyArguments {
            for (key, value) in args {
                let loc = locations[key] ?? call.location
                if key == "_raw_params" {
                    if spec.freeForm != .rawParams && spec.argument(named: key) == nil {
                        session.error(loc, "'\(module)' does not take free-form text ('\(value.renderedString)')",
                                      notes: ["write its arguments as 'key=value' pairs or as a mapping"])
                        continue
                    }
                } else if spec.argument(named: key) == nil {
                    let names = spec.arguments.flatMap { [$0.name] + $0.aliases }.filter { $0 != "_raw_params" }
                    var notes = Suggestions.didYouMean(key, in: names)
                    if notes.isEmpty && !names.isEmpty {
                        notes = ["supported arguments: \(names.sorted().joined(separator: ", "))"]
                    }
                    session.error(loc, "unsupported argument '\(key)' for module '\(module)'", notes: notes, length: key.count)
                    continue
                }
                if let arg = spec.argument(named: key) { checkValue(value, arg: arg, at: loc, module: module) }
            }
        }
        func given(_ name: String) -> Bool {
            guard let arg = spec.argument(named: name) else { return args[name] != nil }
            return ([arg.name] + arg.aliases).contains { args[$0] != nil }
        }
        for arg in spec.arguments where arg.required && !given(arg.name) {
            if arg.name == "_raw_params" {
                session.error(call.location, "'\(module)' needs its free-form argument (e.g. '\(module): \(Self.example(for: spec))')",
                              length: module.count)
            } else {
                session.error(call.location, "missing required argument '\(arg.name)' for module '\(module)'", length: module.count)
            }
        }
        for group in spec.mutuallyExclusive {
            let present = group.filter(given)
            if present.count > 1 {
                session.error(locations[present[1]] ?? call.location,
                              "arguments \(present.map { "'\($0)'" }.joined(separator: " and ")) of '\(module)' are mutually exclusive",
                              length: present[1].count)
            }
        }
        for group in spec.requiredOneOf where !group.contains(where: given) {
            let names = group.map { $0 == "_raw_params" ? "free-form text" : "'\($0)'" }
            session.error(call.location, "'\(module)' needs one of: \(names.joined(separator: ", "))", length: module.count)
        }
    }

    static func example(for spec: ModuleSpec) -> String {
        switch spec.name {
        case "meta": return "flush_handlers"
        case "command", "shell": return "echo hello"
        default: return "..."
        }
    }

    private func checkValue(_ value: Value, arg: ArgumentSpec, at loc: SourceLocation, module: String) {
        if Self.containsTemplate(value) { return }
        if value.isNull { return }
        if !Self.conforms(value, to: arg.type) {
            session.error(loc, "argument '\(arg.name)' of '\(module)' must be \(Self.typeDescription(arg.type)), not \(ParseSession.describe(value))")
            return
        }
        if arg.type == .list, let element = arg.elements, case .list(let items) = value {
            for item in items where !Self.containsTemplate(item) && !Self.conforms(item, to: element) {
                session.error(loc, "each element of argument '\(arg.name)' of '\(module)' must be \(Self.typeDescription(element)), not \(ParseSession.describe(item))")
                return
            }
        }
        if let choices = arg.choices {
            let values: [Value] = (arg.type == .list ? value.listValue : nil) ?? [value]
            for v in values {
                let text = Self.choiceText(v)
                if !choices.contains(text) {
                    session.error(loc, "value of '\(arg.name)' of '\(module)' must be one of: \(choices.joined(separator: ", ")); got '\(text)'",
                                  notes: Suggestions.didYouMean(text, in: choices))
                    return
                }
            }
        }
    }

    /// Booleans compare as Ansible's module layer sees them after conversion.
    private static func choiceText(_ v: Value) -> String {
        switch v {
        case .bool(let b): return b ? "True" : "False"
        default: return v.renderedString
        }
    }

    static func containsTemplate(_ v: Value) -> Bool {
        switch v {
        case .string(let s): return s.includes("{{") || s.includes("{%")
        default: return false
        }
    }

    /// Whether Ansible's argument spec would accept (convert) the value for the type.
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

    static func typeDescription(_ t: ArgumentType) -> String {
        switch t {
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
