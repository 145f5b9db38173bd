import PlayLanguage

/// What a `meta` task asks of the strategy.
public enum MetaAction: Sendable, Equatable {
    case flushHandlers
    case endPlay
    case endBatch
    case endHost
    case clearHostErrors
    /// `noop`, `refresh_inventory`, `clear_facts` and anything else: nothing for the strategy to do.
    case other(String)

    public init(_ raw: String) {
        switch raw {
        case "flush_handlers": self = .flushHandlers
        case "end_play": self = .endPlay
        case "end_batch": self = .endBatch
        case "end_host": self = .endHost
        case "clear_host_errors": self = .clearHostErrors
        default: self = .other(raw)
        }
    }

    /// The action a meta task names in its free-form argument (`meta: end_play`).
    public init(task: CompiledTask) {
        self.init(task.task.args["_raw_params"]?.renderedString.trimmingCharacters(in: .whitespaces) ?? "noop")
    }
}
