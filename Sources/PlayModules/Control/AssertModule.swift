import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `assert`: every expression in `that` must hold.
public struct AssertModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "assert", arguments: [
        ArgumentSpec("that", .list, required: true),
        ArgumentSpec("fail_msg", .raw, aliases: ["msg"]),
        ArgumentSpec("success_msg", .raw),
        ArgumentSpec("quiet", .bool, defaultValue: false),
    ], freeForm: .keyValue)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        for condition in context.list("that") ?? [] {
            let expression = condition.renderedString
            let holds: Bool
            if case .bool(let b) = condition {
                holds = b
            } else {
                holds = try context.templar.condition(expression, context.variables)
            }
            if !holds {
                var r = TaskResult.failed(context.args["fail_msg"]?.renderedString ?? "Assertion failed")
                r["assertion"] = .string(expression)
                r["evaluated_to"] = false
                return r
            }
        }
        if context.bool("quiet") { return TaskResult(["changed": false, "_ansible_verbose_always": false]) }
        return TaskResult(["changed": false, "msg": context.args["success_msg"] ?? "All assertions passed"])
    }
}
