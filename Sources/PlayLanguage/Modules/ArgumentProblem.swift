import PlayBase

/// One thing wrong with a task's arguments for its module. The same problem is worded for the
/// parser (`diagnostic`, one per problem, with "did you mean") and for run time (`message`, in
/// Ansible's module-layer words, which users and their `failed_when` checks see).
public enum ArgumentProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// Keys the spec does not know (run time reports them together, as Ansible does), with the
    /// module's name and the arguments it does take.
    case unsupported([String], module: String, supported: [String])
    /// Free-form text given to a module that takes only `k=v` arguments.
    case freeFormNotAccepted(text: String)
    /// Required arguments that are absent (`_raw_params` is the free-form text).
    case missing([String])
    /// Several of a group that allows at most one.
    case mutuallyExclusive(group: [String], present: [String])
    /// None of a group that needs at least one.
    case requiredOneOf([String])
    /// A value that is not (and cannot be converted to) the argument's type.
    case wrongType(argument: String, value: Value, expected: ArgumentType)
    /// A list element of the wrong type.
    case wrongElementType(argument: String, element: Value, expected: ArgumentType)
    /// A value outside the argument's choices.
    case notAChoice(argument: String, text: String, choices: [String])

    /// The argument the problem is about, as the spec names it (nil when it is about the task as a whole).
    public var argument: String? {
        switch self {
        case .wrongType(let name, _, _), .wrongElementType(let name, _, _), .notAChoice(let name, _, _):
            return name
        case .mutuallyExclusive(_, let present):
            return present.count > 1 ? present[1] : nil
        case .unsupported(let keys, _, _):
            return keys.count == 1 ? keys[0] : nil
        case .freeFormNotAccepted:
            return "_raw_params"
        case .missing, .requiredOneOf:
            return nil
        }
    }

    /// Ansible's run-time wording (what `msg` says when a rendered argument is wrong).
    public var message: String {
        switch self {
        case .unsupported(let keys, let module, let supported):
            return "Unsupported parameters for (\(module)) module: \(keys.sorted().joined(separator: ", ")). Supported parameters include: \(supported.sorted().joined(separator: ", "))."
        case .freeFormNotAccepted(let text):
            return "this module does not take free-form text ('\(text)')"
        case .missing(let names):
            return "missing required arguments: \(names.joined(separator: ", "))"
        case .mutuallyExclusive(let group, _):
            return "parameters are mutually exclusive: \(group.joined(separator: "|"))"
        case .requiredOneOf(let group):
            return "one of the following is required: \(group.joined(separator: ", "))"
        case .wrongType(let name, let value, let expected), .wrongElementType(let name, let value, let expected):
            return "argument '\(name)' is of type \(value.typeName) and we were unable to convert to \(expected)"
        case .notAChoice(let name, let text, let choices):
            return "value of \(name) must be one of: \(choices.joined(separator: ", ")), got: \(text)"
        }
    }

    public var description: String { message }

    /// The parser's findings for this problem: where each is written, what is wrong, what to do.
    /// `module` is the name as written; `at` is where the module name is.
    public func diagnostics(module: String, spec: ModuleSpec, locations: [String: SourceLocation],
                            at call: SourceLocation) -> [Diagnostic] {
        func place(_ key: String) -> SourceLocation { locations[key] ?? call }
        switch self {
        case .unsupported(let keys, _, _):
            let names = spec.arguments.flatMap { [$0.name] + $0.aliases }.filter { $0 != "_raw_params" }
            return keys.map { key in
                var notes = Suggestions.didYouMean(key, in: names)
                if notes.isEmpty && !names.isEmpty {
                    notes = ["supported arguments: \(names.sorted().joined(separator: ", "))"]
                }
                return .error(at: place(key), "unsupported argument '\(key)' for module '\(module)'", notes: notes,
                              length: key.count)
            }
        case .freeFormNotAccepted(let text):
            return [.error(at: place("_raw_params"), "'\(module)' does not take free-form text ('\(text)')",
                           notes: ["write its arguments as 'key=value' pairs or as a mapping"])]
        case .missing(let names):
            return names.map { name in
                if name == "_raw_params" {
                    // The first allowed value makes a useful example (`meta: flush_handlers`).
                    let example = spec.argument(named: name)?.choices?.first ?? "..."
                    return .error(at: call, "'\(module)' needs its free-form argument (e.g. '\(module): \(example)')",
                                  length: module.count)
                }
                return .error(at: call, "missing required argument '\(name)' for module '\(module)'", length: module.count)
            }
        case .mutuallyExclusive(_, let present):
            return [.error(at: place(present[1]),
                           "arguments \(present.map { "'\($0)'" }.joined(separator: " and ")) of '\(module)' are mutually exclusive",
                           length: present[1].count)]
        case .requiredOneOf(let group):
            let names = group.map { $0 == "_raw_params" ? "free-form text" : "'\($0)'" }
            return [.error(at: call, "'\(module)' needs one of: \(names.joined(separator: ", "))", length: module.count)]
        case .wrongType(let name, let value, let expected):
            return [.error(at: place(name), "argument '\(name)' of '\(module)' must be \(expected.phrase), not \(ParseSession.describe(value))")]
        case .wrongElementType(let name, let element, let expected):
            return [.error(at: place(name),
                           "each element of argument '\(name)' of '\(module)' must be \(expected.phrase), not \(ParseSession.describe(element))")]
        case .notAChoice(let name, let text, let choices):
            return [.error(at: place(name), "value of '\(name)' of '\(module)' must be one of: \(choices.joined(separator: ", ")); got '\(text)'",
                           notes: Suggestions.didYouMean(text, in: choices))]
        }
    }

}
