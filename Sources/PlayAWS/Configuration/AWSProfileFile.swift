import Foundation

/// The shared `~/.aws/credentials` and `~/.aws/config` files, in the INI dialect the AWS CLI reads:
/// `[name]` in the credentials file, `[default]` / `[profile name]` / `[services name]` in the config
/// file, full-line `#` and `;` comments, and indented sub-properties under a key with an empty value.
public struct AWSProfileFile: Sendable {
    public enum Kind: Sendable { case credentials, config }

    /// Settings per profile name, keys lowercased.
    public private(set) var profiles: [String: [String: String]] = [:]
    /// `[services name]` sections: section → service key → settings.
    public private(set) var services: [String: [String: [String: String]]] = [:]

    public init() {}

    public init(text: String, kind: Kind) {
        var section: (kind: String, name: String)?
        var parentKey: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = String(rawLine)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
                parentKey = nil
                section = Self.sectionName(String(trimmed.dropFirst().dropLast()), kind: kind)
                continue
            }
            guard let section, let eq = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            let indented = line.first == " " || line.first == "\t"
            if section.kind == "services" {
                if indented, let parent = parentKey {
                    services[section.name, default: [:]][parent, default: [:]][key] = value
                } else if value.isEmpty {
                    parentKey = key
                    services[section.name, default: [:]][key, default: [:]] = [:]
                }
                continue
            }
            guard section.kind == "profile" else { continue }
            if indented, let parent = parentKey {
                // Nested settings (`s3 =` then `  addressing_style = path`): kept as "parent.key".
                profiles[section.name, default: [:]]["\(parent).\(key)"] = value
            } else {
                parentKey = value.isEmpty ? key : nil
                profiles[section.name, default: [:]][key] = value
            }
        }
    }

    /// Reads `url`; a missing file is an empty profile set, other read errors propagate. Read
    /// through a file handle so character devices work too (`AWS_CONFIG_FILE=/dev/null`).
    public static func load(_ url: URL, kind: Kind) throws -> AWSProfileFile? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let data = try handle.readToEnd() ?? Data()
        guard let text = String(data: data, encoding: .utf8) else { throw CocoaError(.fileReadInapplicableStringEncoding) }
        return AWSProfileFile(text: text, kind: kind)
    }

    private static func sectionName(_ raw: String, kind: Kind) -> (kind: String, name: String)? {
        let words = raw.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = words.first else { return nil }
        switch kind {
        case .credentials:
            return ("profile", raw.trimmingCharacters(in: .whitespaces))
        case .config:
            if words.count == 1 && first == "default" { return ("profile", "default") }
            if words.count == 2 && first == "profile" { return ("profile", words[1]) }
            if words.count == 2 && first == "services" { return ("services", words[1]) }
            return nil // sso-session and anything else we do not use
        }
    }
}
