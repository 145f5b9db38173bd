import OrderedCollections
import PlayBase
import PlayTemplating

/// How a callback shows a result's mapping (Ansible's `result_format`).
public enum ResultFormat: String, Sendable, CaseIterable {
    case json, yaml
}

/// A result as Ansible's callbacks dump it after `=>`: internal keys, `invocation`, `diff`,
/// `exception`, `warnings` and `deprecations` left out (the first three shown from `-vvv`),
/// sorted keys, JSON or YAML.
struct ResultDump {
    var verbosity: Int

    /// The keys a callback shows.
    func shown(_ values: OrderedDictionary<String, Value>) -> OrderedDictionary<String, Value> {
        var v = values
        for key in v.keys where key.hasPrefix("_ansible") { v.removeValue(forKey: key) }
        if verbosity < 3 {
            v.removeValue(forKey: "invocation")
            v.removeValue(forKey: "diff")
        }
        for key in ["exception", "warnings", "deprecations", "failed", "skipped"] { v.removeValue(forKey: key) }
        return v
    }

    /// JSON with `indent` spaces (0: one key a line, unindented; nil: one line).
    func json(_ values: OrderedDictionary<String, Value>, indent: Int?) -> String {
        Value.dict(shown(values)).jsonString(sortKeys: true, pretty: indent != nil, indent: indent ?? 0)
    }

    /// The YAML form: a newline, then the block-style document indented four spaces, with
    /// `stdout_lines`/`stderr_lines` omitted beside their text and multi-line strings as literal blocks.
    func yaml(_ values: OrderedDictionary<String, Value>) -> String {
        var v = shown(values)
        for key in ["stdout", "stderr"] where v[key] != nil && v[key + "_lines"] != nil {
            v[key + "_lines"] = .string("<omitted>")
        }
        var text = Value.dict(v).callbackYAML()
        if text.hasSuffix("\n") { text.removeLast() }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.allSatisfy(\.isWhitespace) ? String(line) : "    " + line
        }
        return "\n" + lines.joined(separator: "\n")
    }

    /// What the default callback prints for `result_format`: compact (or indented) JSON, or YAML.
    func text(_ values: OrderedDictionary<String, Value>, format: ResultFormat, indented: Bool) -> String {
        switch format {
        case .json: return json(values, indent: indented ? 4 : nil)
        case .yaml: return yaml(values)
        }
    }

    /// A loop's result as the callbacks receive it: without the `skipped: false` its registered value carries.
    static func loopSummaryTrimmed(_ r: HostResult) -> OrderedDictionary<String, Value> {
        var v = r.result.values
        if r.isLoopSummary, v["skipped"] == .bool(false) { v.removeValue(forKey: "skipped") }
        return v
    }

    /// debug's results show its message alone, or the variable it prints (Ansible's `_clean_results`).
    static func cleanedForDebug(_ values: OrderedDictionary<String, Value>) -> OrderedDictionary<String, Value> {
        var v = values
        if v["msg"] != nil {
            v = v.filter { ["msg", "exception", "warnings", "deprecations"].contains($0.key) || $0.key.hasPrefix("_") }
        } else {
            for key in ["changed", "failed", "skipped", "invocation", "skip_reason"] { v.removeValue(forKey: key) }
        }
        return v
    }
}
