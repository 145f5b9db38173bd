import Foundation
import PlayBase

extension Filters {
    /// Ansible's regular-expression filters (Python `re` semantics).
    static let regex: [String: Function] = [
        "regex_replace": text { s, args throws(TemplateError) in
            let re = try compile(args, pattern: try args.string(0, "pattern") ?? "")
            let (result, n) = re.replace(s, with: try args.string(1, "replacement") ?? "", count: try args.int(-1, "count") ?? 0)
            if let mandatory = try args.int(-1, "mandatory_count"), mandatory > 0, n != mandatory {
                throw args.error("'\(re.pattern)' should match \(mandatory) times, but matches \(n) times")
            }
            return .string(result)
        },
        "regex_search": text { s, args throws(TemplateError) in
            let re = try compile(args, pattern: try args.string(0, "regex") ?? "")
            guard let match = re.firstMatch(s) else { return .null }
            var references: [String] = []
            for p in args.positional.dropFirst() { references.append(try p.get().renderedString) }
            if references.isEmpty { return .string(PythonRegex.group(match, 0, in: s) ?? "") }
            var out: [Value] = []
            for ref in references {
                guard let parsed = PythonRegex.groupReference(ref) else { throw args.error("Unknown argument '\(ref)'; use '\\\\1' or '\\\\g<name>'") }
                let text = parsed.index.flatMap { PythonRegex.group(match, $0, in: s) } ??
                    parsed.name.flatMap { PythonRegex.group(match, named: $0, in: s) }
                out.append(text.map(Value.string) ?? .null)
            }
            return .list(out)
        },
        "regex_findall": text { s, args throws(TemplateError) in
            let re = try compile(args, pattern: try args.string(0, "regex") ?? "")
            return .list(re.matches(s).map { match in
                let groups = match.numberOfRanges - 1
                if groups == 0 { return .string(PythonRegex.group(match, 0, in: s) ?? "") }
                if groups == 1 { return .string(PythonRegex.group(match, 1, in: s) ?? "") }
                return .list((1...groups).map { .string(PythonRegex.group(match, $0, in: s) ?? "") })
            })
        },
        "regex_escape": text { s, _ in
            var out = ""
            for ch in s {
                if ch.isLetter || ch.isNumber || ch == "_" || !ch.isASCII { out.append(ch) } else { out += "\\" + String(ch) }
            }
            return .string(out)
        },
    ]

    static func compile(_ args: CallArguments, pattern: String) throws(TemplateError) -> PythonRegex {
        let ignoreCase = try args.keyword("ignorecase")?.get().isTruthy ?? false
        let multiline = try args.keyword("multiline")?.get().isTruthy ?? false
        return try PythonRegex(pattern, ignoreCase: ignoreCase, multiline: multiline) { args.error($0) }
    }
}
