import PlayBase
import PlayExecutor
import PlayLanguage

/// `meta`: the spec that lets the parser check meta actions; the executor carries them out itself
/// (they change the run's sequencing, which no module can do).
public struct MetaModule: Module {
    public init() {}

    public static let actions = ["flush_handlers", "refresh_inventory", "noop", "clear_facts", "clear_host_errors",
                                 "end_play", "end_host", "end_batch", "reset_connection", "end_role"]

    public let spec = ModuleSpec(name: "meta", arguments: [ArgumentSpec("_raw_params", .string, choices: actions)],
                                 freeForm: .rawParams,
                                 traits: ModuleTraits(runsOnController: true, performedByStrategy: true))

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        TaskResult(["changed": false, "skipped": true, "skip_reason": "meta actions are run by the executor"])
    }
}
