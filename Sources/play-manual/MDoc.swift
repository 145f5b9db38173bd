import Foundation

/// Text made safe for mdoc(7), the man page macro language `man`, groff and mandoc read.
enum MDoc {
    /// A text line: backslashes are escaped, and a line starting with `.` or `'` (which roff
    /// would take for a request) is guarded with the zero-width `\&`.
    static func textLine(_ text: String) -> String {
        let escaped = escape(text)
        if escaped.hasPrefix(".") || escaped.hasPrefix("'") { return "\\&" + escaped }
        return escaped
    }

    /// One argument of a macro line: quoted when it has spaces, with a word that mdoc would call
    /// as a macro (`Ar`, `No`, `Ns`...) or punctuation it would treat specially guarded by `\&`.
    static func argument(_ text: String) -> String {
        var escaped = escape(text).replacingOccurrences(of: "\"", with: "\\(dq")
        if escaped.count <= 3, escaped.first?.isUppercase == true, escaped.dropFirst().allSatisfy(\.isLowercase) {
            escaped = "\\&" + escaped
        }
        if let first = escaped.first, ".,:;()[]?!|".contains(first) { escaped = "\\&" + escaped }
        return escaped.contains(" ") || escaped.isEmpty ? "\"\(escaped)\"" : escaped
    }

    /// Backslashes as `\e`; a hyphen as `\-`, so a flag copied from the page is an ASCII minus.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
    }

    /// Prose in paragraphs: a blank or single line break in argument-parser's discussion text
    /// starts a new paragraph, as the help screen shows it.
    static func paragraphs(_ text: String) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = paragraph.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if !lines.isEmpty { lines.append(".Pp") }
            lines.append(textLine(trimmed))
        }
        return lines
    }
}
