import PlayBase
import PlayExecutor
import PlayLanguage

/// `fail`: fails the host with a message.
public struct FailModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "fail", arguments: [ArgumentSpec("msg", .raw)], freeForm: .keyValue,
                                 traits: .controller)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        .failed(context.args["msg"]?.renderedString ?? "Failed as requested from task")
    }
}
