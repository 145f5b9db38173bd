import PlayBase
import Synchronization

/// Objects that live for one run and are shared by every task of it: the AWS session with its
/// signed HTTP connections, lookups cached by name, a deploy lock and its renewal, ... Modules get
/// or create them by key; one that must act when the run ends (release what a failed run still
/// holds) registers a finisher, which the executor calls once, after the last play.
public final class RunResources: Sendable {
    /// Called with how the run ended; returns warnings to show before the recap.
    public typealias Finisher = @Sendable (RunOutcome) async -> [String]

    private let storage = Mutex<[String: any Sendable]>([:])
    private let finishers = Mutex<[Finisher]>([])
    /// The run's YAML loader, which knows the vault secrets (`include_vars` reads vaulted files).
    public let loader: YAMLLoader

    public init(loader: YAMLLoader = YAMLLoader()) {
        self.loader = loader
    }

    /// The resource stored under `key`, created by `make` on first use.
    public func resource<T: Sendable>(_ key: String, _ make: () throws -> T) rethrows -> T {
        try storage.withLock { items in
            if let existing = items[key] as? T { return existing }
            let created = try make()
            items[key] = created
            return created
        }
    }

    /// Registers `finisher` to run when the run ends (in registration order).
    public func onFinish(_ finisher: @escaping Finisher) {
        finishers.withLock { $0.append(finisher) }
    }

    /// Runs the finishers once (later calls find none) and returns their warnings.
    public func finish(_ outcome: RunOutcome) async -> [String] {
        let pending = finishers.withLock { list in
            defer { list.removeAll() }
            return list
        }
        var warnings: [String] = []
        for finisher in pending { warnings += await finisher(outcome) }
        return warnings
    }
}
