import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `include_vars`: variables from YAML/JSON files on the controller, for the rest of the host's run.
/// Its facts sit at "include vars" precedence (`FactsPrecedence.includedVariables`).
public struct IncludeVarsModule: Module {
    public init() {}

    static let validExtensions = ["yaml", "yml", "json"]

    public let spec = ModuleSpec(name: "include_vars", arguments: [
        ArgumentSpec("_raw_params", .string), ArgumentSpec("file", .path), ArgumentSpec("dir", .path),
        ArgumentSpec("name", .string), ArgumentSpec("depth", .int, defaultValue: 0),
        ArgumentSpec("files_matching", .string), ArgumentSpec("ignore_files", .list, elements: .string),
        ArgumentSpec("extensions", .list, elements: .string),
        ArgumentSpec("ignore_unknown_extensions", .bool, defaultValue: false),
        ArgumentSpec("hash_behaviour", .string, choices: ["replace", "merge"]),
        ArgumentSpec("free_form", .string),
    ], freeForm: .rawParams, mutuallyExclusive: [["file", "dir", "_raw_params"]],
       traits: ModuleTraits(runsOnController: true, factsPrecedence: .includedVariables))

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        var loader = Loader(yaml: context.run.loader, location: context.location,
                            extensions: context.list("extensions")?.map(\.renderedString) ?? Self.validExtensions)
        var results: OrderedDictionary<String, Value> = [:]
        do {
            if let dir = context.string("dir") {
                results = try loader.loadDirectory(resolveDirectory(dir, context), context: context)
            } else if let file = context.string("file") ?? context.string("_raw_params") ?? context.string("free_form") {
                results = try loader.load(resolveFile(file, context), checkExtension: false)
            }
        } catch let failure as Failure {
            return TaskResult(["failed": true, "message": .string(failure.message),
                               "ansible_included_var_files": .list(loader.included.map(Value.string)),
                               "ansible_facts": [:], "changed": false])
        }
        if let name = context.string("name") { results = [name: .dict(results)] }
        if context.string("hash_behaviour") == "merge" {
            for (key, value) in results {
                if case .dict(let new) = value, case .dict(let old)? = context.variables.lookup(key) {
                    results[key] = .dict(Self.merge(old, new))
                }
            }
        }
        return TaskResult(["ansible_included_var_files": .list(loader.included.map(Value.string)),
                           "ansible_facts": .dict(results), "changed": false])
    }

    /// Ansible's combine_vars with merge: dictionaries merge recursively, anything else is replaced.
    static func merge(_ a: OrderedDictionary<String, Value>, _ b: OrderedDictionary<String, Value>) -> OrderedDictionary<String, Value> {
        var result = a
        for (key, value) in b {
            if case .dict(let inner) = value, case .dict(let old)? = result[key] {
                result[key] = .dict(merge(old, inner))
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// A file: the role's `vars/`, then beside the task file (its `vars/`, then itself), then the
    /// playbook's directory (likewise), as Ansible's `_find_needle('vars', ...)`.
    private func resolveFile(_ file: String, _ context: ModuleContext) throws -> String {
        if file.hasPrefix("/") { return file }
        var candidates: [String] = []
        if context.taskDirectory.hasSuffix("/tasks") {
            let role = String(context.taskDirectory.dropLast(6))
            candidates += ["\(role)/vars/\(file)", "\(role)/\(file)"]
        }
        candidates += ["\(context.taskDirectory)/vars/\(file)", "\(context.taskDirectory)/\(file)"]
        candidates += ["\(context.playbookDirectory)/vars/\(file)", "\(context.playbookDirectory)/\(file)"]
        candidates = candidates.map(Self.absolute)
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        // Ansible's words, its repeated entries (task and playbook directories often coincide) included.
        throw Failure(message: "Could not find or access '\(file)'\nSearched in:\n"
                      + candidates.map { "\t\($0)" }.joined(separator: "\n")
                      + " on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option")
    }

    /// A directory: inside a role, under its `vars/`; otherwise beside the task file.
    private func resolveDirectory(_ dir: String, _ context: ModuleContext) -> String {
        if dir.hasPrefix("/") { return dir }
        if context.taskDirectory.hasSuffix("/tasks") {
            let role = String(context.taskDirectory.dropLast(6))
            if dir.split(separator: "/").first == "vars" {
                let path = "\(role)/\(dir)"
                return Self.absolute(FileManager.default.fileExists(atPath: path) ? path : dir)
            }
            return Self.absolute("\(role)/vars/\(dir)")
        }
        return Self.absolute((context.taskDirectory as NSString).appendingPathComponent(dir))
    }

    /// Ansible reports included files by absolute path.
    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (full as NSString).standardizingPath
    }

    struct Failure: Error { let message: String }

    /// Reads files in Ansible's order and remembers which it included.
    struct Loader {
        let yaml: YAMLLoader
        let location: SourceLocation
        let extensions: [String]
        var included: [String] = []

        func hasValidExtension(_ name: String) -> Bool {
            extensions.contains((name as NSString).pathExtension)
        }

        mutating func load(_ path: String, checkExtension: Bool) throws -> OrderedDictionary<String, Value> {
            if checkExtension && !hasValidExtension(path) {
                throw Failure(message: "\(path) does not have a valid extension: \(extensions.joined(separator: ", "))")
            }
            let value: Value
            do {
                value = try yaml.loadValue(path: path, from: location)
            } catch {
                throw Failure(message: "\(error)")
            }
            if value.isNull { included.append(path); return [:] }
            guard case .dict(let dict) = value else { throw Failure(message: "\(path) must be stored as a dictionary/hash") }
            included.append(path)
            return dict
        }

        /// Ansible walks the tree, sorts the directories by path and counts `depth` in directories
        /// visited (not levels); files sort by name within each.
        mutating func loadDirectory(_ dir: String, context: ModuleContext) throws -> OrderedDictionary<String, Value> {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) else {
                throw Failure(message: "\(dir) directory does not exist")
            }
            guard isDirectory.boolValue else { throw Failure(message: "\(dir) is not a directory") }
            let depth = context.int("depth") ?? 0
            let pattern = try context.string("files_matching").map {
                do { return try NSRegularExpression(pattern: $0) } catch { throw Failure(message: "invalid files_matching: \($0)") }
            }
            let ignored = context.list("ignore_files")?.map(\.renderedString) ?? []
            let ignoreUnknown = context.bool("ignore_unknown_extensions")
            var results: OrderedDictionary<String, Value> = [:]
            for (visited, (root, files)) in Self.walk(dir).sorted(by: { $0.0 < $1.0 }).enumerated() {
                if depth != 0 && visited >= depth { break }
                for name in files.sorted() {
                    if let pattern, pattern.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) == nil { continue }
                    if ignored.contains(where: { name.range(of: "\($0)$", options: .regularExpression) != nil }) { continue }
                    if ignoreUnknown && !hasValidExtension(name) { continue }
                    results.merge(try load("\(root)/\(name)", checkExtension: true)) { _, new in new }
                }
            }
            return results
        }

        /// Every directory under `dir` (itself included, links followed) with its regular files.
        static func walk(_ dir: String) -> [(String, [String])] {
            var out: [(String, [String])] = []
            var pending = [dir]
            while let current = pending.popLast() {
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: current)) ?? []
                var files: [String] = []
                for entry in entries {
                    var isDirectory: ObjCBool = false
                    let path = "\(current)/\(entry)"
                    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
                    if isDirectory.boolValue { pending.append(path) } else { files.append(entry) }
                }
                out.append((current, files))
            }
            return out
        }
    }
}
