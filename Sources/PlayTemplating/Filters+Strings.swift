import Foundation
import OrderedCollections
import PlayBase

extension Filters {
    /// Text: case, trimming, splitting, joining, paths, shell quoting, indentation, formatting.
    static let strings: [String: Function] = [
        "lower": text { s, _ in .string(s.lowercased()) },
        "upper": text { s, _ in .string(s.uppercased()) },
        "capitalize": text { s, _ in .string(StringOps.capitalize(s)) },
        "title": text { s, _ in .string(StringOps.title(s)) },
        "trim": text { s, args throws(TemplateError) in
            .string(StringOps.strip(s, try args.string(0, "chars"), leading: true, trailing: true))
        },
        "replace": text { s, args throws(TemplateError) in
            guard let old = try args.string(0, "old"), let new = try args.string(1, "new") else {
                throw args.error("replace needs the old and new text")
            }
            return .string(StringOps.replace(s, old, new, count: try args.int(2, "count") ?? -1))
        },
        "split": text { s, args throws(TemplateError) in
            .list(StringOps.split(s, separator: try args.string(0, "sep"), maxSplit: try args.int(1, "maxsplit") ?? -1).map { .string($0) })
        },
        "join": plain { v, args, _ throws(TemplateError) in
            let separator = try args.string(0, "d") ?? ""
            var parts = try items(v, args)
            if let path = try args.string(1, "attribute") {
                var picked: [Value] = []
                for item in parts { picked.append(try attributeOrFail(item, path)) }
                parts = picked
            }
            return .string(parts.map(\.renderedString).joined(separator: separator))
        },
        "center": text { s, args throws(TemplateError) in .string(StringOps.center(s, width: try args.int(0, "width") ?? 80)) },
        "indent": text { s, args throws(TemplateError) in
            let width: String
            if case .string(let w)? = try args.value(0, "width") { width = w } else {
                width = String(repeating: " ", count: try args.int(0, "width") ?? 4)
            }
            let first = try args.bool(1, "first") ?? false
            let blank = try args.bool(2, "blank") ?? false
            var lines = s.components(separatedBy: "\n")
            for i in lines.indices where (i > 0 || first) && (blank || !lines[i].trimmingSpaces.isEmpty) {
                lines[i] = width + lines[i]
            }
            return .string(lines.joined(separator: "\n"))
        },
        "wordcount": text { s, _ in .int(StringOps.split(s, separator: nil, maxSplit: -1).count) },
        "truncate": text { s, args throws(TemplateError) in
            let length = try args.int(0, "length") ?? 255
            let killwords = try args.bool(1, "killwords") ?? false
            let end = try args.string(2, "end") ?? "..."
            let leeway = try args.int(3, "leeway") ?? 5
            if s.count <= length + leeway { return .string(s) }
            let cut = String(s.prefix(max(0, length - end.count)))
            if killwords { return .string(cut + end) }
            let words = cut.split(separator: " ", omittingEmptySubsequences: false).dropLast()
            return .string(words.joined(separator: " ") + end)
        },
        "format": plain { v, args, _ throws(TemplateError) in
            var positional: [Value] = []
            for p in args.positional { positional.append(try p.get()) }
            if !args.keywords.isEmpty {
                var mapping: OrderedDictionary<String, Value> = [:]
                for (k, e) in args.keywords { mapping[k] = try e.get() }
                return .string(try PythonFormat.percent(v.renderedString, .dict(mapping)))
            }
            return .string(try PythonFormat.percent(v.renderedString, .list(positional)))
        },
        "quote": text { s, _ in .string(shellQuote(s)) },
        "escape": text { s, _ in .string(htmlEscape(s)) },
        "e": text { s, _ in .string(htmlEscape(s)) },
        "basename": text { s, _ in
            .string(s.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? s)
        },
        "dirname": text { s, _ in .string(dirname(s)) },
        "relpath": text { s, args throws(TemplateError) in
            .string(relativePath(s, from: try args.string(0, "start") ?? FileManager.default.currentDirectoryPath))
        },
        "splitext": text { s, _ in
            let base = s.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? s
            let trimmed = base.drop(while: { $0 == "." })
            guard let dot = trimmed.lastIndex(of: ".") else { return [.string(s), ""] }
            let extLength = base.distance(from: dot, to: base.endIndex)
            return [.string(String(s.dropLast(extLength))), .string(String(base[dot...]))]
        },
        "expanduser": text { s, _ in
            guard s == "~" || s.hasPrefix("~/") else { return .string(s) }
            return .string(NSHomeDirectory() + s.dropFirst())
        },
        "path_join": plain { v, args, _ throws(TemplateError) in
            var result = ""
            for part in try items(v, args).map(\.renderedString) {
                if part.hasPrefix("/") || result.isEmpty { result = part } else {
                    result += (result.hasSuffix("/") ? "" : "/") + part
                }
            }
            return .string(result)
        },
        "comment": text { s, args throws(TemplateError) in
            let prefix = try args.string(1, "decoration") ?? "# "
            let body = s.components(separatedBy: "\n").map { (prefix + $0).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            return .string("#\n" + body.joined(separator: "\n") + "\n#")
        },
    ]

    static func dirname(_ s: String) -> String {
        guard let slash = s.lastIndex(of: "/") else { return "" }
        var head = String(s[..<slash])
        // Python keeps the root and strips only the trailing slashes it added.
        if head.isEmpty || head.allSatisfy({ $0 == "/" }) { return String(s[...slash]) }
        while head.hasSuffix("/") { head.removeLast() }
        return head
    }

    /// Python's os.path.relpath: `path` from `start`, both made absolute and normalised first.
    static func relativePath(_ path: String, from start: String) -> String {
        func components(_ p: String) -> [String] {
            let absolute = p.hasPrefix("/") ? p : FileManager.default.currentDirectoryPath + "/" + p
            var out: [String] = []
            for part in absolute.split(separator: "/") where part != "." {
                if part == ".." { if !out.isEmpty { out.removeLast() } } else { out.append(String(part)) }
            }
            return out
        }
        let target = components(path), base = components(start)
        var common = 0
        while common < min(target.count, base.count), target[common] == base[common] { common += 1 }
        let parts = Array(repeating: "..", count: base.count - common) + target[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// Python's shlex.quote, which Ansible's `quote` filter uses.
    static func shellQuote(_ s: String) -> String {
        if s.isEmpty { return "''" }
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_")
        if s.allSatisfy({ safe.contains($0) }) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }

    static func htmlEscape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
