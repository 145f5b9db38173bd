import Foundation

/// The few `[defaults]` settings of ansible.cfg that `play` honours (`roles_path`,
/// `collections_path`), found where Ansible looks: ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg,
/// /etc/ansible/ansible.cfg (the first that exists). Environment variables still win.
public enum AnsibleConfig {
    /// The path of the config file in use, if any.
    public static var path: String? {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["ANSIBLE_CONFIG"], FileManager.default.currentDirectoryPath + "/ansible.cfg",
                          NSHomeDirectory() + "/.ansible.cfg", "/etc/ansible/ansible.cfg"].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// A `[defaults]` value as a list of paths (`:`-separated), relative ones taken from the
    /// config file's directory; nil when the setting is absent.
    static func paths(_ keys: [String]) -> [String]? {
        guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let base = (path as NSString).deletingLastPathComponent
        var section = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard section == "defaults", let eq = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard keys.contains(key) else { continue }
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            return value.split(separator: ":").map { entry in
                let p = ParseSession.expandingTilde(String(entry).trimmingCharacters(in: .whitespaces))
                return p.hasPrefix("/") ? p : ParseSession.join(base, p)
            }
        }
        return nil
    }
}
