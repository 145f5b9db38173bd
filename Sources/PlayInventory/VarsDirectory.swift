import Foundation
import PlayBase
import OrderedCollections

/// The `group_vars/` and `host_vars/` folders beside an inventory (or a playbook), read the way
/// Ansible's host_group_vars plugin reads them: for a name, the first of `NAME`, `NAME.yml`,
/// `NAME.yaml`, `NAME.json` that exists; when that is a folder, every `.yml`/`.yaml`/`.json`
/// or extension-less file in it and in its subfolders, in sorted order, later files winning.
/// Hidden files and backups (`~`) are skipped; empty files add nothing.
struct VarsDirectory: Sendable {
    enum Kind: String, Sendable {
        case group = "group_vars"
        case host = "host_vars"
    }

    let base: String
    private let groupEntries: Set<String>?
    private let hostEntries: Set<String>?
    private var loaded: [Kind: [String: OrderedDictionary<String, Value>]] = [:]

    static let extensions = [".yml", ".yaml", ".json"]

    /// Lists the two folders once; a name absent from the listing is never looked up again.
    init(base: String, warnings: inout [Diagnostic]) {
        self.base = base
        func listing(_ kind: Kind) -> Set<String>? {
            let path = (base as NSString).appendingPathComponent(kind.rawValue)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
            guard isDirectory.boolValue else {
                warnings.append(.init(.warning, at: .synthetic(path), "Found \(kind.rawValue) that is not a directory, skipping: \(path)"))
                return nil
            }
            return Set((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
        }
        groupEntries = listing(.group)
        hostEntries = listing(.host)
    }

    /// The files that hold variables for `name`, in the order they are merged.
    func files(for name: String, kind: Kind) -> [String] {
        guard let entries = kind == .group ? groupEntries : hostEntries,
              !name.hasPrefix("/") else { return [] }
        let folder = (base as NSString).appendingPathComponent(kind.rawValue)
        for ext in [""] + Self.extensions where entries.contains(name + ext) {
            let path = (folder as NSString).appendingPathComponent(name + ext)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            return isDirectory.boolValue ? Self.filesInFolder(path) : [path]
        }
        return []
    }

    private static func filesInFolder(_ folder: String) -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        var found: [String] = []
        for name in names where !name.hasPrefix(".") && !name.hasSuffix("~") {
            let path = (folder as NSString).appendingPathComponent(name)
            let ext = pythonExtension(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if ext.isEmpty { found.append(contentsOf: filesInFolder(path)) }
            } else if ext.isEmpty || extensions.contains(ext) {
                found.append(path)
            }
        }
        return found
    }

    /// Python's os.path.splitext(name)[1]: the last dot's suffix, unless the dot leads the name.
    static func pythonExtension(_ name: String) -> String {
        let trimmed = name.drop(while: { $0 == "." })
        guard let dot = trimmed.lastIndex(of: ".") else { return "" }
        return String(trimmed[dot...])
    }

    /// Reads the variables for `name` (once) and keeps them; throws on unreadable or malformed files.
    mutating func load(_ name: String, kind: Kind, loader: YAMLLoader) throws {
        guard loaded[kind]?[name] == nil else { return }
        var merged = OrderedDictionary<String, Value>()
        var any = false
        for file in files(for: name, kind: kind) {
            let value = try loader.loadValue(path: file)
            guard value.isTruthy else { continue }
            guard case .dict(let dict) = value else {
                throw Diagnostic.error(at: .synthetic(file),
                    "\(file) must hold a mapping of variables, got a \(value.typeName)",
                    notes: ["write the variables as name: value lines"])
            }
            for (k, v) in dict { merged[k] = v }
            any = true
        }
        if any { loaded[kind, default: [:]][name] = merged }
    }

    func vars(for name: String, kind: Kind) -> OrderedDictionary<String, Value>? {
        loaded[kind]?[name]
    }
}
