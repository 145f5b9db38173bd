/// A sysctl.conf as `ansible.posix.sysctl` reads and rewrites it: lines are trimmed; blank
/// lines, comments (`#`, `;`) and lines without `=` stay as they are; settings become
/// `key=value`, only the first of a key is kept; the key being set is replaced in place (or
/// dropped when absent) and appended when it was not there.
struct SysctlFile {
    private(set) var lines: [String] = []
    /// The last value each key has in the file.
    private(set) var values: [String: String] = [:]

    init(text: String) {
        var rows = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if text.hasSuffix("\n") || text.isEmpty { rows.removeLast() }
        lines = rows
        for line in rows {
            guard let (key, value) = Self.setting(line) else { continue }
            values[key] = value
        }
    }

    /// `key = value` → ("key", "value"); nil for blank lines, comments and lines without `=`.
    static func setting(_ line: String) -> (String, String)? {
        guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix(";"), let eq = line.firstIndex(of: "=") else { return nil }
        return (line[..<eq].trimmingCharacters(in: .whitespaces), line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces))
    }

    /// The file's new text with `name` set to `value` (nil: removed).
    func setting(_ name: String, to value: String?) -> String {
        var out: [String] = []
        var seen: Set<String> = []
        for line in lines {
            guard let (key, current) = Self.setting(line) else { out.append(line); continue }
            guard seen.insert(key).inserted else { continue }
            if key == name {
                if let value { out.append("\(key)=\(value)") }
            } else {
                out.append("\(key)=\(current)")
            }
        }
        if !seen.contains(name), let value { out.append("\(name)=\(value)") }
        return out.map { $0 + "\n" }.joined()
    }
}
