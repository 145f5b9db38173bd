import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `assert`: every condition in `that` must hold.
///
/// As in ansible-core 2.19, a string `that` is ONE condition: it is wrapped in a list, never
/// split on commas (commas belong to filter calls such as `selectattr('a', 'b')`). Several
/// conditions come from a YAML list, or from a template that renders to a list.
/// `fail_msg` (alias `msg`) and `success_msg` are a string or a list of strings, returned as given.
public struct AssertModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "assert", arguments: [
        ArgumentSpec("that", .raw, required: true),
        ArgumentSpec("fail_msg", .raw, aliases: ["msg"]),
        ArgumentSpec("success_msg", .raw),
        ArgumentSpec("quiet", .bool, defaultValue: false),
    ], freeForm: .keyValue, traits: ModuleTraits(runsOnController: true, display: .alwaysVerbose))

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        // Ansible checks the messages' types before it evaluates anything.
        let failMessage: Value
        let successMessage: Value
        do throws(MessageTypeProblem) {
            failMessage = try Self.message(context.args["fail_msg"], named: "fail_msg", default: "Assertion failed")
            successMessage = try Self.message(context.args["success_msg"], named: "success_msg", default: "All assertions passed")
        } catch {
            return .failed(error.description)
        }
        for condition in Self.conditions(context.args["that"] ?? .null) {
            let holds: Bool
            if case .bool(let b) = condition {
                holds = b
            } else {
                holds = try context.templar.condition(condition.renderedString, context.variables)
            }
            if !holds {
                return TaskResult(["failed": true, "changed": false, "msg": failMessage,
                                   "assertion": condition, "evaluated_to": false])
            }
        }
        if context.bool("quiet") { return TaskResult(["changed": false, "_ansible_verbose_always": false]) }
        return TaskResult(["changed": false, "msg": successMessage])
    }

    /// The conditions `that` holds: a list's items, anything else as the only one.
    static func conditions(_ that: Value) -> [Value] {
        if case .list(let items) = that { return items }
        return [that]
    }

    /// A message argument checked as Ansible's `str_or_list_of_str`; absent means `fallback`.
    static func message(_ value: Value?, named name: String, default fallback: String) throws(MessageTypeProblem) -> Value {
        guard let value, value != .null else { return .string(fallback) }
        switch value {
        case .string:
            return value
        case .list(let items) where items.allSatisfy({ $0.stringValue != nil }):
            return value
        default:
            throw MessageTypeProblem(argument: name, typeName: value.typeName)
        }
    }

    /// A `fail_msg`/`success_msg` that is neither a string nor a list of strings.
    struct MessageTypeProblem: Error, Sendable, CustomStringConvertible {
        let argument: String
        let typeName: String

        var description: String {
            "argument '\(argument)' is of type \(typeName) and we were unable to convert to str_or_list_of_str: "
                + "a string or list of strings is required"
        }
    }
}
