/// A ModuleCatalog over a fixed list of specs, answering for names and aliases.
public struct ModuleTable: ModuleCatalog {
    private let byName: [String: ModuleSpec]
    public let moduleNames: [String]

    public init(_ specs: [ModuleSpec]) {
        var byName: [String: ModuleSpec] = [:]
        var names: [String] = []
        for spec in specs {
            for name in [spec.name] + spec.aliases where byName[name] == nil {
                byName[name] = spec
                names.append(name)
            }
        }
        self.byName = byName
        self.moduleNames = names
    }

    public func spec(named name: String) -> ModuleSpec? { byName[name] }
}
