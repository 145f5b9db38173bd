import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage
import PlayTemplating

/// `debug`: prints a message or a variable; the executor's renderer shows it.
public struct DebugModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "debug", arguments: [
        ArgumentSpec("msg", .raw),
        ArgumentSpec("var", .string),
        ArgumentSpec("verbosity", .int, defaultValue: 0),
    ], freeForm: .keyValue, mutuallyExclusive: [["msg", "var"]],
       traits: ModuleTraits(runsOnController: true, display: .message))

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        if let needed = context.int("verbosity"), context.verbosity < needed {
            return TaskResult(["changed": false, "skipped": true,
                               "skip_reason": .string("Verbosity threshold not met.")])
        }
        if let name = context.string("var") {
            let value: Value
            do {
                value = try context.templar.evaluate(name, context.variables)
            } catch let error as TemplateError {
                // ansible-core 2.19 shows the error in place of the value.
                value = .string("<< error 1 - \(error.message) >>")
            } catch {
                value = .string("<< error 1 - \(error) >>")
            }
            return TaskResult([name: value, "changed": false])
        }
        return TaskResult(["msg": context.args["msg"] ?? "Hello world!", "changed": false])
    }
}
