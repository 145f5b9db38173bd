import Foundation

/// An ansible.cfg read as Python's `configparser` reads it for Ansible: `[section]` headers,
/// `key = value` or `key: value`, keys lower-cased, whole-line comments with `#` or `;`, inline
/// comments with ` ;`, indented lines continuing the value above, `%%` for a percent sign.
public struct ConfigINI: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var section: String
        public var key: String
        public var value: String
        public var location: SourceLocation
    }

    public var path: String
    /// Every `key = value` in file order (sections' keys are unique, as configparser requires).
    public var entries: [Entry]

    public func value(section: String, key: String) -> Entry? {
        entries.first { $0.section == section && $0.key == key }
    }

    public init(path: String, text: String) throws(Diagnostic) {
        self.path = path
        var entries: [Entry] = []
        var section: String?
        var seenSections: Set<String> = []
        var continuing: Int?  // index in entries of the value an indented line continues
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            let location = SourceLocation(file: path, line: index + 1, column: 1)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.isEmpty { continuing = nil; continue }
            let stripped = Self.withoutInlineComment(trimmed)
            if line.first == " " || line.first == "\t", let c = continuing {
                entries[c].value += "\n" + stripped
                continue
            }
            continuing = nil
            if trimmed.hasPrefix("[") {
                guard let close = trimmed.firstIndex(of: "]") else {
                    throw .error(at: location, "ansible.cfg: a section header must end with ']'")
                }
                let name = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
                guard seenSections.insert(name).inserted else {
                    throw .error(at: location, "ansible.cfg: section [\(name)] appears twice",
                                 notes: ["merge the two sections: Python's configparser, which Ansible uses, refuses this file"])
                }
                section = name
                continue
            }
            guard let section else {
                throw .error(at: location, "ansible.cfg: a setting comes before any [section] header",
                             notes: ["put it under [defaults] (or the section it belongs to)"])
            }
            guard let separator = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw .error(at: location, "ansible.cfg: '\(trimmed)' is neither 'key = value' nor a [section]")
            }
            let key = trimmed[..<separator].trimmingCharacters(in: .whitespaces).lowercased()
            let value = Self.withoutInlineComment(trimmed[trimmed.index(after: separator)...]
                .trimmingCharacters(in: .whitespaces))
            if entries.contains(where: { $0.section == section && $0.key == key }) {
                throw .error(at: location, "ansible.cfg: '\(key)' is set twice in [\(section)]",
                             notes: ["keep one: Python's configparser, which Ansible uses, refuses this file"])
            }
            entries.append(Entry(section: section, key: key, value: value.replacingOccurrences(of: "%%", with: "%"),
                                 location: location))
            continuing = entries.count - 1
        }
        self.entries = entries
    }

    /// `a = b ; note` → `a = b`: a `;` starts a comment only after whitespace, as configparser's
    /// `inline_comment_prefixes`.
    static func withoutInlineComment(_ text: some StringProtocol) -> String {
        var previous: Character = "x"
        for index in text.indices {
            let c = text[index]
            if c == ";" && (previous == " " || previous == "\t") {
                return text[..<index].trimmingCharacters(in: .whitespaces)
            }
            previous = c
        }
        return String(text)
    }
}
