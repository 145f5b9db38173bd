import OrderedCollections
import PlayBase

/// `systemctl show` output as Ansible's `status` dictionary: `Key=Value` lines, a value that
/// opens with `{` and does not close on its line (`ExecStart={ path=... }` spread over lines)
/// continues until a line that ends with `}`.
enum SystemdShow {
    static func parse(_ text: String) -> OrderedDictionary<String, Value> {
        var out: OrderedDictionary<String, Value> = [:]
        var pendingKey: String?
        var pendingLines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let key = pendingKey {
                pendingLines.append(line)
                if line.trimmingCharacters(in: .whitespaces).hasSuffix("}") {
                    out[key] = .string(pendingLines.joined(separator: "\n"))
                    pendingKey = nil
                    pendingLines = []
                }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq])
            let value = String(line[line.index(after: eq)...])
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("{") && !trimmed.hasSuffix("}") {
                pendingKey = key
                pendingLines = [value]
            } else {
                out[key] = .string(value.trimmingCharacters(in: .whitespaces))
            }
        }
        if let key = pendingKey { out[key] = .string(pendingLines.joined(separator: "\n")) }
        return out
    }
}
