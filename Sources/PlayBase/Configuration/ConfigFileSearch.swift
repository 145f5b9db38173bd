import Foundation

/// Where Ansible finds its one ansible.cfg: `ANSIBLE_CONFIG` (a file, or a directory holding
/// ansible.cfg), `./ansible.cfg` unless the current directory is world-writable, `~/.ansible.cfg`,
/// `/etc/ansible/ansible.cfg`; the first readable one wins.
public enum ConfigFileSearch {
    public struct Found: Sendable, Equatable {
        public var path: String?
        /// Ansible's warning when an ansible.cfg in a world-writable current directory was skipped.
        public var warnings: [String]
    }

    public static func find(environment: [String: String], currentDirectory: String, home: String) -> Found {
        var candidates: [String] = []
        var fromEnvironment: String?
        if let configured = environment["ANSIBLE_CONFIG"] {
            var path = ConfigPath.resolve(configured, base: currentDirectory, home: home, environment: environment)
            if isDirectory(path) { path = (path as NSString).appendingPathComponent("ansible.cfg") }
            fromEnvironment = path
            candidates.append(path)
        }
        var skippedPublic = false
        var status = stat()
        let here = (currentDirectory as NSString).appendingPathComponent("ansible.cfg")
        if stat(currentDirectory, &status) == 0 {
            if status.st_mode & S_IWOTH != 0 {
                skippedPublic = FileManager.default.fileExists(atPath: here)
            } else {
                candidates.append(here)
            }
        }
        candidates.append((home as NSString).appendingPathComponent(".ansible.cfg"))
        candidates.append("/etc/ansible/ansible.cfg")
        let path = candidates.first { access($0, R_OK) == 0 && !isDirectory($0) }
        var warnings: [String] = []
        if skippedPublic && (fromEnvironment == nil || fromEnvironment != path) {
            warnings.append("Ansible is being run in a world writable directory (\(currentDirectory)), ignoring it as an "
                + "ansible.cfg source. For more information see "
                + "https://docs.ansible.com/ansible/devel/reference_appendices/config.html#cfg-in-world-writable-dir")
        }
        return Found(path: path, warnings: warnings)
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// Ansible's reading of a configured path: `~` and `$VAR` expanded, made absolute against a base
/// directory (the config file's, else the current one) and normalised, symbolic links kept.
enum ConfigPath {
    static func resolve(_ text: String, base: String, home: String, environment: [String: String]) -> String {
        var path = text
        if path == "~" || path.hasPrefix("~/") { path = home + path.dropFirst() }
        path = expandVariables(path, environment: environment)
        if !path.hasPrefix("/") { path = (base as NSString).appendingPathComponent(path) }
        return normalise(path)
    }

    /// Python's `os.path.normpath` for absolute paths: no `.`, `..` or repeated slashes.
    static func normalise(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `$NAME` and `${NAME}` replaced when NAME is set, left as written otherwise (`os.path.expandvars`).
    static func expandVariables(_ text: String, environment: [String: String]) -> String {
        guard text.contains("$") else { return text }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            guard c == "$" else { result.append(c); index = text.index(after: index); continue }
            var cursor = text.index(after: index)
            let braced = cursor < text.endIndex && text[cursor] == "{"
            if braced { cursor = text.index(after: cursor) }
            let start = cursor
            while cursor < text.endIndex, text[cursor].isLetter || text[cursor].isNumber || text[cursor] == "_" {
                cursor = text.index(after: cursor)
            }
            let name = String(text[start..<cursor])
            let closed = !braced || (cursor < text.endIndex && text[cursor] == "}")
            if !name.isEmpty, closed, let value = environment[name] {
                result += value
                index = braced ? text.index(after: cursor) : cursor
            } else {
                result.append(c)
                index = text.index(after: index)
            }
        }
        return result
    }
}
