import Foundation
import OrderedCollections
import PlayBase

/// The lookups that read or run something on the controller, or generate data: `template`,
/// `pipe`, `sequence`, `dict`.
extension Lookups {
    static let controllerNames = ["template", "pipe", "sequence", "dict"]

    static func runController(_ name: String, terms: [Value], options: [String: Value],
                              evaluator: Evaluator) throws(TemplateError) -> [Value]? {
        switch name {
        case "template":
            return try terms.map { (term) throws(TemplateError) -> Value in
                try .string(template(term.renderedString, options: options, evaluator: evaluator))
            }
        case "pipe":
            return try terms.map { (term) throws(TemplateError) -> Value in try .string(pipe(term.renderedString)) }
        case "sequence":
            var out: [Value] = []
            for term in terms { out += try sequence(term.renderedString) }
            return out
        case "dict":
            var out: [Value] = []
            for term in terms {
                guard case .dict(let d) = term else {
                    throw .lookup(name: "dict", message: "with_dict expects a dict, got '\(term.pythonRepr)'")
                }
                out += d.map { Value.dict(["key": .string($0.key), "value": $0.value]) }
            }
            return out
        default:
            return nil
        }
    }

    /// A template file (searched in `templates/` of the role, then of the playbook) rendered with
    /// the current variables and `template_vars` over them.
    static func template(_ path: String, options: [String: Value], evaluator: Evaluator) throws(TemplateError) -> String {
        let tried = candidates(path, searchPaths(evaluator), subdirectory: "templates")
        var isDirectory: ObjCBool = false
        guard let found = tried.first(where: { FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue }),
              let data = FileManager.default.contents(atPath: found), let text = String(data: data, encoding: .utf8) else {
            throw .lookup(name: "template", message: "the template file \(path) could not be found for the lookup (searched: \(tried.joined(separator: ", ")))")
        }
        let extra = options["template_vars"]?.dictValue ?? [:]
        return try evaluator.templar.renderTemplate(text, TemplateLookupVariables(base: evaluator.vars, top: extra))
    }

    /// A shell command on the controller; its output without trailing whitespace. A non-zero exit is an error.
    static func pipe(_ command: String) throws(TemplateError) -> String {
        let output: SubprocessOutput
        do {
            output = try Subprocess.capture(["/bin/sh", "-c", command], stdin: .null, stderr: .separate)
        } catch {
            throw .lookup(name: "pipe", message: "could not run '\(command)': \(error)")
        }
        guard output.termination.succeeded else {
            throw .lookup(name: "pipe", message: "lookup_plugin.pipe(\(command)) returned \(output.termination.status)")
        }
        var text = String(decoding: output.stdout, as: UTF8.self)
        while let last = text.unicodeScalars.last, CharacterSet.whitespacesAndNewlines.contains(last) { text.unicodeScalars.removeLast() }
        return text
    }

    /// `start=1 end=5 stride=1 format=web%02d` or `count=3` (shared by `with_sequence`).
    public static func sequence(_ spec: String) throws(TemplateError) -> [Value] {
        var start = 1, end: Int?, stride = 1, format = "%d"
        for part in spec.split(separator: " ") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw .lookup(name: "sequence", message: "can't parse arg \(part)") }
            switch kv[0] {
            case "start": start = Int(kv[1]) ?? start
            case "end": end = Int(kv[1])
            case "count": end = start + (Int(kv[1]) ?? 0) - 1
            case "stride": stride = Int(kv[1]) ?? 1
            case "format": format = kv[1]
            default: throw .lookup(name: "sequence", message: "unrecognized arguments to with_sequence: \(kv[0])")
            }
        }
        guard let end, stride != 0 else { throw .lookup(name: "sequence", message: "must specify count or end in with_sequence") }
        return Swift.stride(from: start, through: end, by: stride).map { .string(String(format: format, $0)) }
    }
}

/// The template lookup's variables: `template_vars` over the task's.
struct TemplateLookupVariables: VariableLookup {
    var base: any VariableLookup
    var top: OrderedDictionary<String, Value>

    func lookup(_ name: String) -> Value? { top[name] ?? base.lookup(name) }
    func isTemplated(_ name: String) -> Bool { top[name] == nil ? base.isTemplated(name) : true }
}
