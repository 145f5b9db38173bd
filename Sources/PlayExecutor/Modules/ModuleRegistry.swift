import PlayLanguage

/// The one table of modules a run knows: built-ins registered by name and aliases, plus external
/// executables found in `library/` directories. It is also the catalog the parser checks tasks against.
public struct ModuleRegistry: ModuleCatalog, Sendable {
    private var modules: [String: any Module] = [:]
    private var canonicalNames: [String] = []
    /// Each name's traits apart, so the per-task questions copy no spec.
    private var traitsByName: [String: ModuleTraits] = [:]

    public init(_ modules: [any Module] = []) {
        for m in modules { register(m) }
    }

    public mutating func register(_ module: any Module) {
        if modules[module.spec.name] == nil { canonicalNames.append(module.spec.name) }
        modules[module.spec.name] = module
        for alias in module.spec.aliases { modules[alias] = module }
        for name in [module.spec.name] + module.spec.aliases { traitsByName[name] = module.spec.traits }
    }

    /// Makes `name` another name of the module registered as `target`, unless `name` is taken or
    /// no module is `target` (the collections' redirects of old names).
    public mutating func alias(_ name: String, to target: String) {
        guard modules[name] == nil, let module = modules[target] else { return }
        modules[name] = module
        traitsByName[name] = module.spec.traits
    }

    public func module(named name: String) -> (any Module)? { modules[name] }

    public func spec(named name: String) -> ModuleSpec? { modules[name]?.spec }

    public func traits(named name: String) -> ModuleTraits? { traitsByName[name] }

    public var moduleNames: [String] { canonicalNames }
}
