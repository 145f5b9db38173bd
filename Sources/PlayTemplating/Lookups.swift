import Foundation
import PlayBase

/// Lookup plugins: `env`, `file`, `vars`, `first_found`, `list`/`items` (and those in
/// `Lookups+Controller`: `template`, `pipe`, `sequence`, `dict`). Each returns a list;
/// `lookup()` joins it, `query()` keeps it.
public enum Lookups {
    static let names = ["env", "file", "vars", "first_found", "list", "items"] + controllerNames

    /// `withSubdirectory`: the lookup runs a `with_<lookup>` loop, whose first_found also looks in
    /// that subfolder of each search path (`files`, `templates`, `vars` by the task's action).
    static func run(_ name: String, terms: [Value], options: [String: Value], evaluator: Evaluator,
                    withSubdirectory: String? = nil) throws(TemplateError) -> [Value] {
        switch name {
        case "env":
            let fallback = options["default"]
            return terms.map { term in
                if let v = evaluator.templar.options.environment[term.renderedString] { return .string(v) }
                return fallback ?? .string("")
            }
        case "file":
            return try terms.map { (term) throws(TemplateError) -> Value in
                try .string(readFile(term.renderedString, options: options, evaluator: evaluator))
            }
        case "vars":
            return try terms.map { (term) throws(TemplateError) -> Value in
                let name = term.renderedString
                let found = try evaluator.eval(.name(name, offset: 0))
                if case .value(let v) = found { return v }
                if let fallback = options["default"] { return fallback }
                throw TemplateError.lookup(name: "vars", message: "No variable named '\(name)' was found")
            }
        case "first_found":
            return try firstFound(terms, options: options, evaluator: evaluator, subdirectory: withSubdirectory)
        case "list", "items":
            if name == "items" {
                return terms.flatMap { $0.listValue ?? [$0] }
            }
            return terms
        default:
            if let found = try runController(name, terms: terms, options: options, evaluator: evaluator) { return found }
            let note = Suggestions.closest(to: name, in: names).map { " Did you mean '\($0)'?" } ?? ""
            throw .lookup(name: name, message: "lookup plugin '\(name)' not found.\(note) Available: \(names.joined(separator: ", "))")
        }
    }

    /// Where lookups look for relative paths: the task's role (`role_path`) first, as Ansible's
    /// search path puts it, then the playbook's directory.
    static func searchPaths(_ evaluator: Evaluator) -> [String] {
        let configured = evaluator.templar.options.searchPaths
        guard case .value(.string(let rolePath))? = try? evaluator.eval(.name("role_path", offset: 0)) else { return configured }
        return [rolePath] + configured
    }

    /// Where a relative path resolves: each search path's `files/` subfolder, then the path itself.
    static func candidates(_ path: String, _ searchPaths: [String], subdirectory: String? = "files") -> [String] {
        if path.hasPrefix("/") { return [path] }
        var out: [String] = []
        for base in searchPaths {
            let root = base.hasSuffix("/") ? String(base.dropLast()) : base
            // A path that already starts with the subfolder is not looked for inside it again.
            if let subdirectory, path.split(separator: "/").first.map(String.init) != subdirectory {
                out.append("\(root)/\(subdirectory)/\(path)")
            }
            out.append("\(root)/\(path)")
        }
        if searchPaths.isEmpty { out.append(FileManager.default.currentDirectoryPath + "/" + path) }
        return out
    }

    private static func readFile(_ path: String, options: [String: Value], evaluator: Evaluator) throws(TemplateError) -> String {
        let tried = candidates(path, searchPaths(evaluator))
        var isDirectory: ObjCBool = false
        guard let found = tried.first(where: { FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue }) else {
            throw .lookup(name: "file", message: "could not locate file in lookup: \(path) (searched: \(tried.joined(separator: ", ")))")
        }
        guard let data = FileManager.default.contents(atPath: found) else {
            throw .lookup(name: "file", message: "could not read file '\(found)': permission denied or not a regular file")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw .lookup(name: "file", message: "'\(found)' is not UTF-8 text")
        }
        // Ansible strips trailing whitespace unless rstrip=False, and leading only with lstrip=True.
        if options["rstrip"]?.isTruthy ?? true {
            while let last = text.unicodeScalars.last, last.properties.isWhitespace { text.unicodeScalars.removeLast() }
        }
        if options["lstrip"]?.isTruthy ?? false {
            while let first = text.unicodeScalars.first, first.properties.isWhitespace { text.unicodeScalars.removeFirst() }
        }
        return text
    }
}
