import Foundation

/// An fstab's lines edited as ansible.posix's mount module edits them on Linux: the entry for a
/// mount point is found by its (escaped) path, updated field by field, added at the end, or
/// removed; comments, blank lines and lines of another shape are kept as they are.
struct FstabFile {
    struct Entry: Equatable {
        var src: String
        var name: String
        var fstype: String
        var opts: String
        var dump: String
        var passno: String

        var line: String { "\(src) \(name) \(fstype) \(opts) \(dump) \(passno)\n" }
    }

    /// The file's lines with their line ends (`set` gives a last line without one its newline,
    /// `unset` keeps it as it is, as Ansible's two functions do).
    var lines: [String]

    init(text: String) {
        lines = AuthorizedKeys.linesKeepingEnds(text)
    }

    var text: String { lines.joined() }

    /// Space, ampersand and backslash as fstab's octal escapes.
    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\134").replacingOccurrences(of: " ", with: "\\040")
            .replacingOccurrences(of: "&", with: "\\046")
    }

    private static func fields(_ line: String) -> [String] {
        line.split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    private static func isKept(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty || trimmed.hasPrefix("#")
    }

    /// A swap line for another source is another entry, though its mount point is `none` too.
    private static func isOther(_ fields: [String: String], name: String, src: String?) -> Bool {
        fields["name"] != name || (src != nil && fields["name"] == "none" && fields["fstype"] == "swap" && fields["src"] != src)
    }

    /// Ansible's `_set_mount_save_old`: the entry made to match `wanted` (its fields escaped here).
    mutating func set(_ wanted: Entry, srcGiven: Bool) -> Bool {
        let e = Entry(src: Self.escaped(wanted.src), name: Self.escaped(wanted.name), fstype: Self.escaped(wanted.fstype),
                      opts: Self.escaped(wanted.opts), dump: Self.escaped(wanted.dump), passno: Self.escaped(wanted.passno))
        var out: [String] = []
        var exists = false
        var changed = false
        let labels = ["src", "name", "fstype", "opts", "dump", "passno"]
        for raw in lines {
            let line = raw.hasSuffix("\n") ? raw : raw + "\n"
            let f = Self.fields(line)
            if Self.isKept(line) || !(4...6).contains(f.count) { out.append(line); continue }
            var d: [String: String] = ["dump": "0", "passno": "0"]
            for (i, field) in f.enumerated() { d[labels[i]] = field }
            if Self.isOther(d, name: e.name, src: srcGiven ? wanted.src : nil) { out.append(line); continue }
            exists = true
            for (key, value) in [("src", e.src), ("fstype", e.fstype), ("opts", e.opts), ("dump", e.dump), ("passno", e.passno)]
            where d[key] != value {
                d[key] = value
                changed = true
            }
            if changed {
                out.append(Entry(src: d["src"]!, name: d["name"]!, fstype: d["fstype"]!, opts: d["opts"]!, dump: d["dump"]!,
                                 passno: d["passno"]!).line)
            } else {
                out.append(line)
            }
        }
        if !exists {
            out.append(e.line)
            changed = true
        }
        lines = out
        return changed
    }

    /// Ansible's `unset_mount`: six-field entries for the mount point removed.
    mutating func unset(name: String, src: String?) -> Bool {
        let escapedName = Self.escaped(name)
        var changed = false
        lines = lines.filter { line in
            let f = Self.fields(line)
            if Self.isKept(line) || f.count != 6 { return true }
            let d = ["src": f[0], "name": f[1], "fstype": f[2]]
            if Self.isOther(d, name: escapedName, src: src) { return true }
            changed = true
            return false
        }
        return changed
    }
}
