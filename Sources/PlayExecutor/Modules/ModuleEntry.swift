import PlayLanguage
import Synchronization

/// A built-in module known by its names before it exists. Building a module's spec (its
/// arguments, aliases, choices and defaults) is most of what a module costs a run that never
/// calls it, so the registry makes each one the first time a task names it: a W1 run builds 5
/// of ~110, and keeps neither the others' specs on its heap nor their code in memory.
public struct ModuleEntry: Sendable {
    /// The module's name, then its aliases: exactly the names its spec declares (checked by
    /// `BuiltinModulesTests`, which makes every module).
    public let names: [String]
    public let make: @Sendable () -> any Module

    public init(_ name: String, aliases: [String] = [], _ make: @escaping @Sendable () -> any Module) {
        names = [name] + aliases
        self.make = make
    }
}

/// One module of the registry, made once on first use and shared by every copy of the registry
/// (the parser, the executor and each task ask the same one).
final class LazyModule: Sendable {
    struct Made: Sendable {
        let module: any Module
        /// Kept apart, so the per-task trait questions copy no spec.
        let traits: ModuleTraits
    }

    private let make: @Sendable () -> any Module
    private let made = Mutex<Made?>(nil)

    init(_ make: @escaping @Sendable () -> any Module) { self.make = make }

    init(made module: any Module) {
        make = { module }
        made.withLock { $0 = Made(module: module, traits: module.spec.traits) }
    }

    var value: Made {
        made.withLock { made in
            if let made { return made }
            let module = make()
            let new = Made(module: module, traits: module.spec.traits)
            made = new
            return new
        }
    }
}
