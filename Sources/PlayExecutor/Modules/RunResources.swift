import PlayBase
import Synchronization

/// Objects that live for one run and are shared by every task of it: the AWS session with its
/// signed HTTP connections, lookups cached by name, ... Modules get or create them by key.
public final class RunResources: Sendable {
    private let storage = Mutex<[String: any Sendable]>([:])
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
}
