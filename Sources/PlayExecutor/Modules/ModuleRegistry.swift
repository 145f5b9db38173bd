import PlayLanguage

/// The one table of modules a run knows: built-ins by name and aliases (made on first use:
/// `ModuleEntry`), plus external executables found in `library/` directories. It is also the
/// catalog the parser checks tasks against.
public struct ModuleRegistry: ModuleCatalog, Sendable {
    private var modules: [String: LazyModule] = [:]
    private var canonicalNames: [String] = []

    public init(_ entries: [ModuleEntry] = []) {
        for entry in entries { register(entry) }
    }

    public init(modules: [any Module]) {
        for module in modules { register(module) }
    }

    public mutating func register(_ entry: ModuleEntry) {
        add(entry.names, LazyModule(entry.make))
    }

    /// A module made already (external modules, test doubles).
    public mutating func register(_ module: any Module) {
        add([module.spec.name] + module.spec.aliases, LazyModule(made: module))
    }

    private mutating func add(_ names: [String], _ module: LazyModule) {
        guard let name = names.first else { return }
        if modules[name] == nil { canonicalNames.append(name) }
        for name in names { modules[name] = module }
    }

    /// Makes `name` another name of the module registered as `target`, unless `name` is taken or
    /// no module is `target` (the collections' redirects of old names).
    public mutating func alias(_ name: String, to target: String) {
        guard modules[name] == nil, let module = modules[target] else { return }
        modules[name] = module
    }

    public func module(named name: String) -> (any Module)? { modules[name]?.value.module }

    public func spec(named name: String) -> ModuleSpec? { modules[name]?.value.module.spec }

    public func traits(named name: String) -> ModuleTraits? { modules[name]?.value.traits }

    public var moduleNames: [String] { canonicalNames }
}
