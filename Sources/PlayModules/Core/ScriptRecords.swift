import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor

/// What a module script printed: `key=value` records separated by NUL bytes (`printf
/// 'k=%s\0' "$v"`), so values may hold any text, newlines included. A later record with the
/// same key replaces an earlier one.
struct ScriptRecords: Sendable {
    private(set) var values: [String: String] = [:]

    init(_ data: Data) {
        for record in data.split(separator: 0, omittingEmptySubsequences: true) {
            let text = String(decoding: record, as: UTF8.self)
            guard let eq = text.firstIndex(of: "=") else { continue }
            values[String(text[..<eq])] = String(text[text.index(after: eq)...])
        }
    }

    subscript(key: String) -> String? { values[key] }

    func flag(_ key: String) -> Bool { values[key] == "1" }

    /// The attributes `_preport` printed (`%a %u %g %s %U %G %F`), as Ansible's result keys.
    func fileAttributes(_ key: String = "st") -> OrderedDictionary<String, Value> {
        guard let line = values[key], !line.isEmpty else { return [:] }
        let fields = line.split(separator: " ", maxSplits: 6, omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7, let perms = Int(fields[0], radix: 8) else { return [:] }
        var out: OrderedDictionary<String, Value> = [:]
        out["mode"] = .string(FileMode.octalText(perms))
        out["uid"] = Int(fields[1]).map(Value.int) ?? .string(fields[1])
        out["gid"] = Int(fields[2]).map(Value.int) ?? .string(fields[2])
        out["size"] = Int(fields[3]).map(Value.int) ?? .string(fields[3])
        out["owner"] = .string(fields[4] == "UNKNOWN" ? fields[1] : fields[4])
        out["group"] = .string(fields[5] == "UNKNOWN" ? fields[2] : fields[5])
        out["state"] = .string(Self.state(ofType: fields[6]))
        return out
    }

    /// Ansible's `state` for `stat -c %F` text.
    static func state(ofType type: String) -> String {
        switch type {
        case "directory": return "directory"
        case "symbolic link": return "link"
        default: return "file"
        }
    }

    /// A failure from the script's own checks (`_pfail`), or from the script dying (a non-zero
    /// exit without records), as the module's failed result; nil when it succeeded.
    func failure(of result: CommandResult) -> TaskResult? {
        let stderr = result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
        if let message = values["failed"] {
            return .failed(message, stderr.isEmpty ? [:] : ["stderr": .string(stderr)])
        }
        guard result.exitCode != 0 else { return nil }
        return .failed("the module's shell script failed on the target (exit \(result.exitCode))"
                       + (stderr.isEmpty ? "" : ": \(stderr)"),
                       ["rc": .int(Int(result.exitCode)), "stderr": .string(stderr)])
    }
}
