/// Python's `difflib.unified_diff` over lines that keep their endings: the same hunks and the same
/// text for the same input. Lines compare by Unicode scalars, as Python's strings do (Swift's own
/// `==` would call canonically equivalent spellings equal).
public enum UnifiedDiff {
    /// The diff's lines, each ending with `lineTerminator` where it is a header, or with the
    /// input line's own ending; empty when the inputs are equal.
    public static func lines(_ a: [String], _ b: [String], fromFile: String = "", toFile: String = "",
                             fromFileDate: String = "", toFileDate: String = "", context: Int = 3,
                             lineTerminator: String = "\n") -> [String] {
        var ids: [[Unicode.Scalar]: Int] = [:]
        func intern(_ line: String) -> Int {
            let key = Array(line.unicodeScalars)
            if let id = ids[key] { return id }
            ids[key] = ids.count
            return ids.count - 1
        }
        let matcher = SequenceMatcher(a.map(intern), b.map(intern))
        var out: [String] = []
        for group in matcher.groupedOpcodes(context: context) {
            if out.isEmpty {
                out.append("--- " + fromFile + (fromFileDate.isEmpty ? "" : "\t" + fromFileDate) + lineTerminator)
                out.append("+++ " + toFile + (toFileDate.isEmpty ? "" : "\t" + toFileDate) + lineTerminator)
            }
            let first = group[0], last = group[group.count - 1]
            out.append("@@ -\(range(first.aStart, last.aEnd)) +\(range(first.bStart, last.bEnd)) @@" + lineTerminator)
            for code in group {
                switch code.tag {
                case .equal:
                    out += a[code.aStart..<code.aEnd].map { " " + $0 }
                case .delete:
                    out += a[code.aStart..<code.aEnd].map { "-" + $0 }
                case .insert:
                    out += b[code.bStart..<code.bEnd].map { "+" + $0 }
                case .replace:
                    out += a[code.aStart..<code.aEnd].map { "-" + $0 }
                    out += b[code.bStart..<code.bEnd].map { "+" + $0 }
                }
            }
        }
        return out
    }

    /// A hunk header's range: `start,length` counted from 1, the start alone for one line, and the
    /// line before for an empty range.
    static func range(_ start: Int, _ stop: Int) -> String {
        let length = stop - start
        if length == 1 { return String(start + 1) }
        return "\(length == 0 ? start : start + 1),\(length)"
    }
}
