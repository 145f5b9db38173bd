import Foundation
import PlayBase
import Yams

/// Turns `-i` arguments into hosts and groups, as Ansible's inventory manager does:
/// a text with a comma that is not a path is a host list (`'web1,web2:2222,'`); a folder is
/// every file in it, sorted, skipping hidden files, `group_vars`/`host_vars` and backup or
/// documentation extensions; `.yml`/`.yaml`/`.json` files are YAML inventories, files without
/// an extension YAML when they read as a mapping and INI otherwise, everything else INI.
struct InventorySourceLoader {
    let loader: YAMLLoader
    var graph = InventoryGraph()
    var warnings: [Diagnostic] = []
    /// The plugins YAML files with a `plugin:` key may name.
    let plugins: [any InventoryPlugin]
    /// Plugin sources met so far whose populator is not in `prepared` (the first pass of an async load).
    var pendingPlugins: [(plugin: any InventoryPlugin, source: InventoryPluginSource)] = []
    /// Populators of plugin sources, by path (the second pass).
    var prepared: [String: any InventoryPopulator] = [:]

    init(loader: YAMLLoader, plugins: [any InventoryPlugin] = []) {
        self.loader = loader
        self.plugins = plugins
    }

    /// Extensions Ansible skips inside an inventory folder (INVENTORY_IGNORE_EXTS).
    static let ignoredExtensions = [".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".cfg", ".retry"]
    static let ignoredNames: Set<String> = ["host_vars", "group_vars", "vars_plugins"]

    /// Reads every source in order; returns the folders whose group_vars/host_vars apply.
    mutating func loadAll(_ sources: [String]) throws -> [String] {
        var varsBases: [String] = []
        for source in sources where !source.isEmpty {
            if let base = try load(source) { varsBases.append(base) }
        }
        return varsBases
    }

    /// Reads one `-i` source; returns the folder whose group_vars/host_vars belong to it
    /// (nil for a host list).
    mutating func load(_ source: String) throws -> String? {
        let path = Self.absolutePath(source)
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists && source.contains(",") {
            loadHostList(source)
            return nil
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Diagnostic.error(at: .synthetic(source), "inventory source '\(source)' does not exist",
                notes: ["give an inventory file or folder with -i, or a comma-separated host list such as -i 'web1,web2,'"])
        }
        if isDirectory.boolValue {
            try loadFolder(path)
            return path
        }
        try loadFile(path)
        return (path as NSString).deletingLastPathComponent
    }

    static func absolutePath(_ source: String) -> String {
        let expanded = (source as NSString).expandingTildeInPath
        let absolute = expanded.hasPrefix("/") ? expanded
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(expanded)
        return URL(fileURLWithPath: absolute).standardized.path
    }

    /// `host1,host2:2222,[::1]:22` — each entry a host in `ungrouped`; no ranges.
    private mutating func loadHostList(_ list: String) {
        let info = InventorySourceInfo(file: list, directory: nil)
        for entry in list.split(separator: ",") {
            let text = HostPattern.trimmed(entry)
            guard !text.isEmpty else { continue }
            let parsed = HostAddress.parse(text, allowRanges: false)
            let name = parsed?.host ?? text
            guard graph.hostIndex[name] == nil else { continue }
            _ = graph.addHost(name, to: InventoryGraph.ungrouped, port: parsed?.port, source: info)
        }
    }

    private mutating func loadFolder(_ folder: String) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw Diagnostic.error(at: .synthetic(folder), "cannot list inventory folder '\(folder)'",
                                   notes: ["check that the folder is readable"])
        }
        for name in names.sorted(by: { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }) {
            if name.hasPrefix(".") || Self.ignoredNames.contains(name)
                || Self.ignoredExtensions.contains(where: { name.hasSuffix($0) }) { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                try loadFolder(path)
            } else {
                try loadFile(path)
            }
        }
    }

    private mutating func loadFile(_ path: String) throws {
        let info = InventorySourceInfo(file: path, directory: (path as NSString).deletingLastPathComponent)
        let ext = VarsDirectory.pythonExtension((path as NSString).lastPathComponent)
        if ext == ".toml" {
            throw Diagnostic.error(at: .synthetic(path), "TOML inventories are not supported",
                                   notes: ["convert '\(path)' to the INI or YAML inventory format"])
        }
        let text = try loader.readText(path: path)
        if text.hasPrefix("#!"), FileManager.default.isExecutableFile(atPath: path) {
            throw Diagnostic.error(at: SourceLocation(file: path, line: 1, column: 1),
                "'\(path)' is an inventory script; play reads INI and YAML inventories only",
                notes: ["run the script once and save its hosts as a YAML inventory"])
        }
        let yamlOnly = VarsDirectory.extensions.contains(ext)
        if yamlOnly || ext.isEmpty {
            // Extension-less files are tried as YAML first and fall back to INI, as in Ansible.
            let root: Node?
            do {
                root = try loader.parseDocuments(text, file: path).first
            } catch {
                if yamlOnly { throw error }
                root = nil
            }
            if let root, let mapping = root.mapping,
               mapping.contains(where: { $0.key.string == "plugin" && $0.value.string?.isEmpty == false }) {
                try loadPluginSource(root, path: path, info: info)
                return
            }
            if let root, root.mapping != nil {
                let parser = YAMLInventoryParser(file: path, source: info, loader: loader)
                try parser.parse(root, into: &graph, warnings: &warnings)
                return
            }
            if yamlOnly {
                throw Diagnostic.error(at: root.map { YAMLLoader.location(of: $0, file: path) } ?? .synthetic(path),
                    root == nil ? "Parsed empty YAML file" : "YAML inventory has invalid structure, it should be a dictionary",
                    notes: ["a YAML inventory maps group names to their hosts, children and vars: all: {hosts: {web1: }}"])
            }
        }
        try INIInventoryParser(file: path, source: info).parse(text, into: &graph)
    }

    /// A YAML file with `plugin:`: the populator prepared for it adds its hosts; on the first pass
    /// of an async load it is only noted. Unknown plugins and file names the plugin refuses are
    /// errors (Ansible skips such a source with a warning, leaving an inventory the user did not mean).
    private mutating func loadPluginSource(_ root: Node, path: String, info: InventorySourceInfo) throws {
        let value = try loader.value(from: root, file: path)
        guard case .dict(let configuration) = value else { return }
        var locations: [String: SourceLocation] = [:]
        for (key, _) in root.mapping ?? [:] {
            if let name = key.string { locations[name] = YAMLLoader.location(of: key, file: path) }
        }
        let pluginLocation = locations["plugin"] ?? SourceLocation(file: path, line: 1, column: 1)
        let name = configuration["plugin"]?.stringValue ?? ""
        guard let plugin = plugins.first(where: { $0.names.contains(name) }) else {
            let known = plugins.flatMap(\.names)
            throw Diagnostic.error(at: pluginLocation, "inventory plugin '\(name)' is not supported",
                notes: known.isEmpty ? ["this load reads INI and YAML inventories only; plugin sources need the load with plugins"]
                    : ["play's inventory plugins: \(known.joined(separator: ", "))"]
                    + Suggestions.didYouMean(name, in: known))
        }
        guard plugin.accepts(path: path) else {
            throw Diagnostic.error(at: pluginLocation,
                "'\(path)' is not a valid file name for the inventory plugin '\(plugin.names[0])'",
                notes: ["name the file \(plugin.fileNameHint)"])
        }
        guard let populator = prepared[path] else {
            pendingPlugins.append((plugin, InventoryPluginSource(path: path, configuration: configuration, locations: locations)))
            return
        }
        var builder = InventoryBuilder(graph: InventoryGraph(), source: info)
        swap(&builder.graph, &graph)
        defer {
            swap(&builder.graph, &graph)
            warnings += builder.warnings
        }
        try populator.populate(&builder)
    }
}
