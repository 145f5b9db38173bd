import PlayBase

/// A result's `diff` as ansible-playbook's default callback prints it: one diff or a list of them,
/// each a unified diff of `before` and `after` (mappings as indented JSON), with notes for binary
/// and oversized files and any `prepared` text.
enum DiffText {
    /// Lines of context around each change (Ansible's DIFF_CONTEXT default).
    static let context = 3

    /// The text to print before the result's line; empty when there is nothing to show.
    static func render(_ diff: Value, colour: Bool) -> String {
        /// Ansible colours each line of a multi-line text on its own.
        func paint(_ s: String, _ code: String) -> String {
            guard colour else { return s }
            return s.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
                .map { "\u{1B}[\(code)m\(String($0))\u{1B}[0m" }.joined(separator: "\n")
        }
        let diffs: [Value] = if case .list(let list) = diff { list } else { [diff] }
        var text = ""
        for case .dict(let d) in diffs {
            if d["dst_binary"] != nil { text += "diff skipped: destination file appears to be binary\n" }
            if d["src_binary"] != nil { text += "diff skipped: source file appears to be binary\n" }
            if let limit = d["dst_larger"] { text += "diff skipped: destination file size is greater than \(limit.renderedString)\n" }
            if let limit = d["src_larger"] { text += "diff skipped: source file size is greater than \(limit.renderedString)\n" }
            if let before = d["before"], let after = d["after"] {
                let lines = UnifiedDiff.lines(
                    Self.lines(of: before), Self.lines(of: after),
                    fromFile: d["before_header"].map { "before: " + $0.renderedString } ?? "before",
                    toFile: d["after_header"].map { "after: " + $0.renderedString } ?? "after",
                    context: context)
                for line in lines {
                    switch line.unicodeScalars.first {
                    case "+": text += paint(line, "0;32")
                    case "-": text += paint(line, "0;31")
                    case "@" where line.unicodeScalars.dropFirst().first == "@": text += paint(line, "0;36")
                    default: text += line
                    }
                }
                if !lines.isEmpty { text += "\n" }
            }
            if let prepared = d["prepared"] { text += prepared.renderedString }
        }
        return text
    }

    /// One side's lines, each with its ending; a last line without one is marked as diff(1) marks it.
    static func lines(of side: Value) -> [String] {
        let text: String
        switch side {
        case .null: text = ""
        case .dict: text = side.jsonString(sortKeys: true, pretty: true, asciiOnly: true) + "\n"
        default: text = side.renderedString
        }
        var lines = text.pythonLinesKeepingEnds
        if let last = lines.last, last.unicodeScalars.last != "\n" {
            lines[lines.count - 1] = last + "\n\\ No newline at end of file\n"
        }
        return lines
    }
}
