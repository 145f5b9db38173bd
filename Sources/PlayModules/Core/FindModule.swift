import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage
import PlayTemplating

/// `find`: files, directories or links under `paths` selected by name patterns (globs, or Python
/// regexes with `use_regex`), age, size, mode and content, with Ansible's stat dictionary for
/// each. One command lists every entry with `find` + `stat -c` (GNU or busybox); the selection
/// is made on the controller. `contains` and `get_checksum` cost one more command for the
/// candidates only (`grep`, `sha1sum`).
public struct FindModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "find", arguments: [
        ArgumentSpec("paths", .list, required: true, aliases: ["name", "path"], elements: .string),
        ArgumentSpec("patterns", .list, aliases: ["pattern"], defaultValue: .list([]), elements: .string),
        ArgumentSpec("excludes", .list, aliases: ["exclude"], elements: .string),
        ArgumentSpec("contains", .string),
        ArgumentSpec("read_whole_file", .bool, defaultValue: false),
        ArgumentSpec("file_type", .string, choices: ["any", "directory", "file", "link"], defaultValue: "file"),
        ArgumentSpec("recurse", .bool, defaultValue: false),
        ArgumentSpec("hidden", .bool, defaultValue: false),
        ArgumentSpec("follow", .bool, defaultValue: false),
        ArgumentSpec("get_checksum", .bool, defaultValue: false),
        ArgumentSpec("checksum_algorithm", .string, aliases: ["checksum", "checksum_algo"],
                     choices: StatModule.algorithms, defaultValue: "sha1"),
        ArgumentSpec("use_regex", .bool, defaultValue: false),
        ArgumentSpec("age", .string),
        ArgumentSpec("age_stamp", .string, choices: ["atime", "ctime", "mtime"], defaultValue: "mtime"),
        ArgumentSpec("size", .string),
        ArgumentSpec("depth", .int),
        ArgumentSpec("mode", .raw),
        ArgumentSpec("exact_mode", .bool, defaultValue: true),
        ArgumentSpec("encoding", .string),
        ArgumentSpec("limit", .int),
    ], freeForm: .keyValue)

    /// One entry `find` listed.
    struct Entry {
        var path: String
        /// Levels below the search path (1 for its children).
        var depth: Int
        var rawMode: Int
        var uid: String, gid: String, size: Int, inode: String, dev: String, nlink: String
        var atime: String, mtime: String, ctime: String
        var owner: String, group: String

        var type: Int { rawMode & 0o170000 }
        var isDirectory: Bool { type == 0o040000 }
        var isRegular: Bool { type == 0o100000 }
        var isLink: Bool { type == 0o120000 }
        var name: String { (path as NSString).lastPathComponent }
    }

    struct Failure: Error {
        var message: String
    }

    /// The selection criteria, parsed from the arguments.
    struct Filter {
        var patterns: [String] = []
        var excludes: [String] = []
        var useRegex = false
        var fileType = "file"
        var hidden = false
        /// Seconds; negative means "at most".
        var age: Int?
        var ageStamp = "mtime"
        var size: Int?
        var mode: Int?
        var exactMode = true

        func matchesName(_ name: String) throws -> Bool {
            if patterns.isEmpty && excludes.isEmpty { return true }
            // Ansible: without patterns every name is a candidate for the excludes.
            let candidates = patterns.isEmpty ? (useRegex ? [".*"] : ["*"]) : patterns
            for p in candidates where try matches(name, p) {
                for e in excludes where try matches(name, e) { return false }
                return true
            }
            return false
        }

        private func matches(_ name: String, _ pattern: String) throws -> Bool {
            useRegex ? try PythonRegex(pattern).matchesAtStart(name) : FindModule.fnmatch(name, pattern)
        }

        func selects(_ e: Entry, now: Double) throws -> Bool {
            if !hidden && e.name.hasPrefix(".") { return false }
            let typeOK: Bool
            switch fileType {
            case "any": typeOK = true
            case "directory": typeOK = e.isDirectory
            case "link": typeOK = e.isLink
            default: typeOK = e.isRegular
            }
            guard typeOK, try matchesName(e.name) else { return false }
            if let age {
                let stamp = Double(ageStamp == "atime" ? e.atime : ageStamp == "ctime" ? e.ctime : e.mtime) ?? 0
                let old = now - stamp
                if age >= 0 ? old < Double(age) : old > Double(-age) { return false }
            }
            // Ansible applies size to regular files only (and to everything with file_type=any).
            if let size, fileType == "file" || fileType == "any", e.isRegular || fileType == "any" {
                if size >= 0 ? e.size < size : e.size > -size { return false }
            }
            if let mode {
                let perms = e.rawMode & 0o7777
                if exactMode ? perms != mode : perms & mode != mode { return false }
            }
            return true
        }
    }

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let paths = (context.list("paths") ?? []).map(\.renderedString)
        var filter = Filter()
        filter.patterns = (context.list("patterns") ?? []).map(\.renderedString)
        filter.excludes = (context.list("excludes") ?? []).map(\.renderedString)
        filter.useRegex = context.bool("use_regex")
        filter.fileType = context.string("file_type") ?? "file"
        filter.hidden = context.bool("hidden")
        filter.ageStamp = context.string("age_stamp") ?? "mtime"
        filter.exactMode = context.bool("exact_mode", default: true)
        if let age = context.string("age") {
            guard let seconds = Self.amount(age, units: ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800]) else {
                return .failed("failed to process age")
            }
            filter.age = seconds
        }
        if let size = context.string("size") {
            guard let bytes = Self.amount(size, units: ["b": 1, "k": 1024, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40]) else {
                return .failed("failed to process size")
            }
            filter.size = bytes
        }
        if let modeValue = context.args["mode"], !modeValue.isNull {
            switch try? FileMode.parse(modeValue) {
            case .octal(let m)?: filter.mode = m
            default: return .failed("mode must be given in octal here (symbolic modes are not supported): \(modeValue.renderedString)")
            }
        }
        let recurse = context.bool("recurse")
        let maxDepth = recurse ? context.int("depth").map { $0 + 1 } : 1
        let follow = context.bool("follow")
        let connection = try await context.connection()
        let answer = try await connection.run(CommandRequest(
            command: Self.listScript(paths, maxDepth: maxDepth, follow: follow), environment: context.environment,
            become: context.become, becomeUser: context.becomeUser))
        let listing = Self.parse(answer.stdout)
        if answer.exitCode != 0 && listing.now == nil {
            return .failed("find failed on the target: " + answer.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let depthLimit = recurse ? context.int("depth") : 1
        let limit = context.int("limit").flatMap { $0 > 0 ? $0 : nil }
        var matched: [Entry] = []
        var examined = 0
        var limitReached = false
        do {
            walk: for group in Self.walkOrder(listing.entries) {
                examined += group.count
                for e in group {
                    if let depthLimit, e.depth > depthLimit { continue }
                    if try filter.selects(e, now: listing.now ?? Date().timeIntervalSince1970) { matched.append(e) }
                    if let limit, matched.count >= limit { limitReached = true; break walk }
                }
            }
        } catch let invalid as PythonRegex.Invalid {
            return .failed(invalid.description)
        }
        let contains = context.string("contains")
        let checksum = context.bool("get_checksum") ? (context.string("checksum_algorithm") ?? "sha1") : nil
        var sums: [String: String] = [:]
        if (contains != nil && filter.fileType == "file") || checksum != nil {
            let regular = matched.filter(\.isRegular).map(\.path)
            let extra = try await connection.run(CommandRequest(
                command: Self.contentScript(regular, contains: contains, wholeFile: context.bool("read_whole_file"),
                                            checksum: checksum),
                environment: context.environment, become: context.become, becomeUser: context.becomeUser))
            let answer: (found: Set<String>, sums: [String: String])
            do {
                answer = try Self.contentAnswer(extra.stdout, contains: contains)
            } catch let invalid as PythonRegex.Invalid {
                return .failed(invalid.description)
            }
            let found = answer.found
            sums = answer.sums
            // As in Ansible, `contains` selects only with file_type=file.
            if contains != nil && filter.fileType == "file" { matched = matched.filter { found.contains($0.path) } }
        }
        var r = TaskResult()
        r["files"] = .list(matched.map { e in
            var info = Self.statInfo(e)
            if let sum = sums[e.path] { info["checksum"] = .string(sum) }
            return .dict(info)
        })
        r.changed = false
        r["examined"] = .int(examined)
        r["matched"] = .int(matched.count)
        var skipped: OrderedDictionary<String, Value> = [:]
        var warnings: [Value] = []
        for (path, reason) in listing.skipped {
            skipped[path] = .string(reason)
            warnings.append(.string("Skipped '\(path)' path due to this access issue: \(reason)\n"))
        }
        r.message = limitReached ? "Limit of matches reached"
            : skipped.isEmpty ? "All paths examined" : "Not all paths examined, check warnings for details"
        r["skipped_paths"] = .dict(skipped)
        if !warnings.isEmpty { r["warnings"] = .list(warnings) }
        return r
    }

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
