import PlayExecutor
import PlayLanguage
import PlayModules

/// The parser tests check tasks against the real modules' specs, plus two modules that stand for
/// programs in a `library/` directory (never run here, so their paths need not exist).
enum TestCatalog {
    static let catalog: ModuleRegistry = {
        var registry = BuiltinModules.registry()
        for name in ["ping", "my_external"] {
            registry.register(ExternalModule(name: name, path: "/nonexistent/library/\(name)"))
        }
        return registry
    }()
}
