import Foundation
import OrderedCollections
import PlayBase

/// Renders the file name of an `import_tasks`/`import_playbook`/`import_role` written as a
/// template, at parse time as Ansible does: only with what exists before any host is known
/// (extra vars, the play's `vars:`, the import's own `vars:`). PlayLanguage knows no
/// templating, so the caller hands one in.
public protocol ImportNameTemplating: Sendable {
    /// The rendered text, or a message saying why it cannot be rendered yet.
    func render(_ text: String, variables: OrderedDictionary<String, Value>) -> Result<String, ImportNameError>
}

public struct ImportNameError: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

extension ParseSession {
    /// The import's file name: as written, or rendered with the parse-time variables; nil (after
    /// an error at `location`) when a template cannot be rendered here.
    func importName(_ written: String, keyword: String, vars: OrderedDictionary<String, Value>, at location: SourceLocation) -> String? {
        guard written.includes("{{") else { return written }
        guard let templating = importTemplating else {
            error(location, "\(keyword) cannot use a templated file name here ('\(written)')",
                  notes: keyword == "import_tasks" ? ["use include_tasks for a file chosen at run time"] : [])
            return nil
        }
        var scope: OrderedDictionary<String, Value> = ["playbook_dir": .string(Self.absolute(playbookDirectory))]
        for layer in staticScopes { scope.merge(layer) { $1 } }
        scope.merge(vars) { $1 }
        scope.merge(extraVars) { $1 }
        switch templating.render(written, variables: scope) {
        case .success(let name): return name
        case .failure(let failure):
            error(location, "\(keyword) cannot render its file name '\(written)' before the play runs: \(failure.message)",
                  notes: keyword == "import_tasks"
                      ? ["an import is read before any host's facts or inventory vars exist: use play vars or -e, or include_tasks"]
                      : ["use play vars or -e for the name"])
            return nil
        }
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : ParseSession.join(FileManager.default.currentDirectoryPath, path)
    }
}
