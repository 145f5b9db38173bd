import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage
import PlayTemplating

/// What `find` runs on the target and reads back: the listing and content scripts, their
/// parsing, Ansible's stat dictionary for an entry, sizes, ages and glob matching.
extension FindModule {
    /// Lists every entry below each path, one record each: a \001 byte, then `stat -c` fields
    /// with the path last (so only a path with a newline followed by \001 could confuse it).
    /// `follow` walks into linked directories, but entries are still described by `lstat`, as
    /// Ansible's are (a link to a file is a link, not a file).
    static func listScript(_ paths: [String], maxDepth: Int?, follow: Bool) -> String {
        let l = follow ? "-L" : ""
        var s = [#"""
            printf 'now %s\n' "$(date +%s)"
            _pf='%f %u %g %s %i %d %h %.9X %.9Y %.9Z %U %G %n'
            stat -c %.9X / >/dev/null 2>&1 || _pf='%f %u %g %s %i %d %h %X %Y %Z %U %G %n'
            _pf="$(printf '\001')$_pf"
            """#]
        let depth = maxDepth.map { "-maxdepth \($0)" } ?? ""
        for path in paths {
            s.append(#"""
                _pP=\#(ShellWord.expanded(path))
                printf '\001root %s\n' "$_pP"
                if [ -d "$_pP" ]; then
                  find \#(l) "$_pP/." -mindepth 1 \#(depth) -exec stat -c "$_pf" -- {} + 2>/dev/null
                else
                  printf '\001skip %s\n' "'$_pP' is not a directory"
                fi
                """#)
        }
        return s.joined(separator: "\n")
    }

    struct Listing {
        var now: Double?
        var entries: [Entry] = []
        var skipped: [(String, String)] = []
    }

    static func parse(_ data: Data) -> Listing {
        var listing = Listing()
        var root = ""
        let text = String(decoding: data, as: UTF8.self)
        for chunk in text.components(separatedBy: "\u{1}") {
            var record = chunk
            if record.hasSuffix("\n") { record.removeLast() }
            if record.hasPrefix("now ") {
                listing.now = Double(record.dropFirst(4).trimmingCharacters(in: .whitespacesAndNewlines))
            } else if record.hasPrefix("root ") {
                root = normalized(String(record.dropFirst(5)))
            } else if record.hasPrefix("skip ") {
                listing.skipped.append((root, String(record.dropFirst(5))))
            } else if !record.isEmpty {
                let f = record.split(separator: " ", maxSplits: 12, omittingEmptySubsequences: false).map(String.init)
                guard f.count == 13, let raw = Int(f[0], radix: 16), let size = Int(f[3]) else { continue }
                let path = normalized(f[12])
                let relative = path.hasPrefix(root == "/" ? "/" : root + "/") ? path.dropFirst(root == "/" ? 1 : root.count + 1) : ""
                listing.entries.append(Entry(
                    path: path, depth: relative.split(separator: "/").count, rawMode: raw, uid: f[1], gid: f[2],
                    size: size, inode: f[4], dev: f[5], nlink: f[6], atime: f[7], mtime: f[8], ctime: f[9],
                    owner: f[10], group: f[11]))
            }
        }
        return listing
    }

    /// The entries as Python's `os.walk` visits them, which is the order (and, with `limit`, the
    /// extent) of Ansible's answer: a directory's files, then its subdirectories, one directory
    /// at a time, directories in depth-first order. `find` lists in depth-first order too, with
    /// the same readdir order, so grouping by parent restores the walk.
    static func walkOrder(_ entries: [Entry]) -> [[Entry]] {
        var order: [String] = []
        var groups: [String: [Entry]] = [:]
        for e in entries {
            let parent = (e.path as NSString).deletingLastPathComponent
            if groups[parent] == nil { order.append(parent) }
            groups[parent, default: []].append(e)
        }
        return order.map { parent in
            let group = groups[parent] ?? []
            return group.filter { !$0.isDirectory } + group.filter(\.isDirectory)
        }
    }

    /// The second command: which regular files hold `contains` and their checksums. Line by line
    /// the pattern must match at a line's start, as Python's `re.match` does (`grep -P` where grep
    /// has it, else `-E`); with `read_whole_file` the files come back base64-encoded and are
    /// searched here with Python's rules.
    static func contentScript(_ files: [String], contains: String?, wholeFile: Bool, checksum: String?) -> String {
        var s = [FileScript.functions]
        s.append("set -- " + files.map(ShellWords.quote).joined(separator: " "))
        if let contains, !wholeFile {
            s.append("if printf x | grep -qP x 2>/dev/null; then _pgp=-P; _pre=\(ShellWords.quote("^(?:" + contains + ")"))"
                     + "; else _pgp=-E; _pre=\(ShellWords.quote("^(" + contains + ")")); fi")
        }
        var body: [String] = []
        if contains != nil {
            if wholeFile {
                body.append(#"printf 'w%s\0' "$_pf"; base64 < "$_pf" 2>/dev/null | tr -d '\n'; printf '\0'"#)
            } else {
                body.append(#"grep -q $_pgp -- "$_pre" "$_pf" 2>/dev/null && printf 'c%s\0' "$_pf""#)
            }
        }
        if let checksum {
            body.append(#"_ph=$(_psum \#(checksum) "$_pf" 2>/dev/null) && printf 'h%s %s\0' "$_ph" "$_pf""#)
        }
        s.append("for _pf; do\n  " + body.joined(separator: "\n  ") + "\ndone")
        return s.joined(separator: "\n")
    }

    /// Reads the content script's answer: files that hold the pattern, and checksums by path.
    static func contentAnswer(_ data: Data, contains: String?) throws -> (found: Set<String>, sums: [String: String]) {
        var found = Set<String>()
        var sums: [String: String] = [:]
        let records = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let pattern = try contains.map { try PythonRegex($0) }
        var i = 0
        while i < records.count {
            let text = records[i]
            if text.hasPrefix("c") {
                found.insert(String(text.dropFirst()))
            } else if text.hasPrefix("w"), i + 1 < records.count {
                i += 1
                if let pattern, let content = Data(base64Encoded: records[i]).map({ String(decoding: $0, as: UTF8.self) }),
                   pattern.search(content) != nil {
                    found.insert(String(text.dropFirst()))
                }
            } else if text.hasPrefix("h"), let space = text.firstIndex(of: " ") {
                sums[String(text[text.index(after: space)...])] = String(text[text.index(after: text.startIndex)..<space])
            }
            i += 1
        }
        return (found, sums)
    }

    /// Ansible's `statinfo` for one entry, in its key order, with `path` first.
    static func statInfo(_ e: Entry) -> OrderedDictionary<String, Value> {
        func int(_ s: String) -> Value { Int(s).map(Value.int) ?? .string(s) }
        func time(_ s: String) -> Value { Double(s).map(Value.double) ?? .string(s) }
        let perms = e.rawMode & 0o7777
        var d: OrderedDictionary<String, Value> = ["path": .string(e.path)]
        d["mode"] = .string(FileMode.octalText(perms))
        d["isdir"] = .bool(e.isDirectory)
        d["ischr"] = .bool(e.type == 0o020000)
        d["isblk"] = .bool(e.type == 0o060000)
        d["isreg"] = .bool(e.isRegular)
        d["isfifo"] = .bool(e.type == 0o010000)
        d["islnk"] = .bool(e.isLink)
        d["issock"] = .bool(e.type == 0o140000)
        d["uid"] = int(e.uid)
        d["gid"] = int(e.gid)
        d["size"] = .int(e.size)
        d["inode"] = int(e.inode)
        d["dev"] = int(e.dev)
        d["nlink"] = int(e.nlink)
        d["atime"] = time(e.atime)
        d["mtime"] = time(e.mtime)
        d["ctime"] = time(e.ctime)
        d["gr_name"] = .string(e.group == "UNKNOWN" ? e.gid : e.group)
        d["pw_name"] = .string(e.owner == "UNKNOWN" ? e.uid : e.owner)
        for (name, bit) in [("wusr", 0o200), ("rusr", 0o400), ("xusr", 0o100), ("wgrp", 0o020), ("rgrp", 0o040),
                            ("xgrp", 0o010), ("woth", 0o002), ("roth", 0o004), ("xoth", 0o001),
                            ("isuid", 0o4000), ("isgid", 0o2000)] {
            d[name] = .bool(perms & bit != 0)
        }
        return d
    }

    /// `-?digits` with an optional unit letter (age: s m h d w; size: b k m g t), as Ansible reads them.
    static func amount(_ text: String, units: [Character: Int]) -> Int? {
        var s = Substring(text.lowercased())
        var multiplier = 1
        if let last = s.last, last.isLetter {
            guard let m = units[last] else { return nil }
            multiplier = m
            s = s.dropLast()
        }
        guard let n = Int(s) else { return nil }
        return n * multiplier
    }

    /// Python's `os.path.normpath`.
    static func normalized(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// Python's `fnmatch.fnmatch` on POSIX: `*`, `?`, `[seq]`, `[!seq]`, matching the whole name.
    static func fnmatch(_ name: String, _ pattern: String) -> Bool {
        let n = Array(name.unicodeScalars)
        let p = Array(pattern.unicodeScalars)
        func match(_ i: Int, _ j: Int) -> Bool {
            var i = i, j = j
            while j < p.count {
                switch p[j] {
                case "*":
                    for k in stride(from: n.count, through: i, by: -1) where match(k, j + 1) { return true }
                    return false
                case "?":
                    guard i < n.count else { return false }
                    i += 1; j += 1
                case "[":
                    var k = j + 1
                    var negate = false
                    if k < p.count, p[k] == "!" { negate = true; k += 1 }
                    var close = k
                    if close < p.count, p[close] == "]" { close += 1 }
                    while close < p.count, p[close] != "]" { close += 1 }
                    guard close < p.count else {
                        // No closing bracket: a literal "[".
                        guard i < n.count, n[i] == "[" else { return false }
                        i += 1; j += 1; continue
                    }
                    guard i < n.count else { return false }
                    var inSet = false
                    var m = k
                    while m < close {
                        if m + 2 < close, p[m + 1] == "-" {
                            if p[m].value <= n[i].value && n[i].value <= p[m + 2].value { inSet = true }
                            m += 3
                        } else {
                            if p[m] == n[i] { inSet = true }
                            m += 1
                        }
                    }
                    guard inSet != negate else { return false }
                    i += 1; j = close + 1
                default:
                    guard i < n.count, n[i] == p[j] else { return false }
                    i += 1; j += 1
                }
            }
            return i == n.count
        }
        return match(0, 0)
    }
}
