import Foundation
import PlayBase

extension Lookups {
    /// `first_found`: the first existing file among the terms. A string term names files; a
    /// mapping term sets the options (`files`, `paths`, `skip`) for itself and the terms after it,
    /// as Ansible's `set_options` does; a list term is read item by item. Names are split on `,`
    /// and `;`, paths on `,`, `:` and `;`; with paths each name is joined to each path. Each
    /// candidate is looked for in the search path (in `subdirectory` too for a `with_` loop).
    /// Nothing found is an error unless `skip`, which gives no result.
    static func firstFound(_ terms: [Value], options: [String: Value], evaluator: Evaluator,
                           subdirectory: String?) throws(TemplateError) -> [Value] {
        var current = options
        var terms = terms
        if terms.isEmpty, let files = options["files"] { terms = files.listValue ?? [files] }
        var names: [String] = []
        func split(_ v: Value?, on separators: String) -> [String] {
            guard let v, !v.isNull else { return [] }
            return (v.listValue ?? [v]).flatMap {
                $0.renderedString.split(whereSeparator: { separators.contains($0) }).map(String.init)
            }
        }
        func process(_ terms: [Value]) throws(TemplateError) {
            for term in terms {
                let files: Value?
                switch term {
                case .dict(let d):
                    current = Dictionary(uniqueKeysWithValues: d.map { ($0.key, $0.value) })
                    files = d["files"]
                case .list(let l):
                    try process(l)
                    continue
                case .string:
                    files = term
                default:
                    throw .lookup(name: "first_found",
                                  message: "Invalid term supplied. A string, dict or list is required, not '\(term.typeName)').")
                }
                let fileList = split(files, on: ",;")
                let pathList = split(current["paths"], on: ",:;")
                if pathList.isEmpty {
                    names += fileList
                } else {
                    for path in pathList {
                        for name in fileList {
                            names.append(name.hasPrefix("/") ? name : (path.hasSuffix("/") ? path : path + "/") + name)
                        }
                    }
                }
            }
        }
        try process(terms)
        let searchPaths = searchPaths(evaluator)
        for name in names {
            for candidate in candidates(name, searchPaths, subdirectory: subdirectory)
            where FileManager.default.fileExists(atPath: candidate) {
                return [.string(URL(fileURLWithPath: candidate).standardizedFileURL.path)]
            }
        }
        if current["skip"]?.isTruthy ?? false { return [] }
        throw .lookup(name: "first_found", message: "No file was found when using first_found.")
    }
}
