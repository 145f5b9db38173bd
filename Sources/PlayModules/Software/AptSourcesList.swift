import Foundation
import OrderedCollections

/// APT's one-line sources (`sources.list` and `sources.list.d/*.list`) as `apt_repository`
/// edits them: each file is a list of lines, a line is a source (`deb`/`deb-src`, enabled or
/// commented out) or anything else, kept as it was. Adding a source enables every copy of it
/// or, when there is none, appends it to the file named after the repository (or
/// `filename`); removing it drops every enabled copy. Files left empty are deleted. Pure: the
/// module reads and writes the files.
struct AptSourcesList: Sendable, Equatable {
    struct Line: Sendable, Equatable {
        var valid: Bool
        var enabled: Bool
        var source: String
        var comment: String
    }

    struct InvalidSource: Error {
        var line: String
    }

    static let sourceTypes: Set<String> = ["deb", "deb-src"]

    /// Files by path, in the order read (sources.list first).
    var files: OrderedDictionary<String, [Line]> = [:]
    var defaultFile: String
    var partsDirectory: String

    init(defaultFile: String, partsDirectory: String) {
        self.defaultFile = defaultFile
        self.partsDirectory = partsDirectory.hasSuffix("/") ? String(partsDirectory.dropLast()) : partsDirectory
    }

    mutating func load(_ path: String, text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        files[path] = lines.map(Self.parse)
    }

    static func parse(_ raw: String) -> Line {
        var text = raw.trimmingCharacters(in: .whitespaces)
        var enabled = true
        if text.hasPrefix("#") {
            enabled = false
            text.removeFirst()
        }
        var comment = ""
        if let hash = text.firstIndex(of: "#"), hash > text.startIndex {
            comment = text[text.index(after: hash)...].trimmingCharacters(in: .whitespaces)
            text = String(text[..<hash])
        }
        var source = text.trimmingCharacters(in: .whitespaces)
        var valid = false
        let words = source.split(whereSeparator: \.isWhitespace).map(String.init)
        if let first = words.first, sourceTypes.contains(first) {
            valid = true
            source = words.joined(separator: " ")
        }
        return Line(valid: valid, enabled: enabled, source: source, comment: comment)
    }

    /// The file a new source goes to: `filename` (with `.list`), else one named after the
    /// repository's host and path.
    func suggestedFile(for source: String, filename: String?) -> String {
        let name: String
        if let filename {
            name = filename + ".list"
        } else {
            var line = source.replacingOccurrences(of: #"\[[^\]]+\]"#, with: "", options: .regularExpression)
            line = line.replacingOccurrences(of: #"\w+://"#, with: "", options: .regularExpression)
            let parts = line.split(whereSeparator: \.isWhitespace).map(String.init).filter { !Self.sourceTypes.contains($0) }
            var first = parts.first ?? ""
            if let at = first.firstIndex(of: "@") { first = String(first[first.index(after: at)...]) }
            let cleaned = first.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : " " }
            name = String(cleaned).split(separator: " ").joined(separator: "_") + ".list"
        }
        return name.contains("/") ? name : partsDirectory + "/" + name
    }

    mutating func add(_ repo: String, filename: String?) throws(InvalidSource) {
        let line = Self.parse(repo)
        guard line.valid, line.enabled else { throw InvalidSource(line: repo) }
        var found = false
        for (path, lines) in files {
            for (i, l) in lines.enumerated() where l.valid && l.source == line.source {
                files[path]?[i].enabled = true
                found = true
            }
        }
        if !found {
            let file = suggestedFile(for: line.source, filename: filename)
            files[file, default: []].append(Line(valid: true, enabled: true, source: line.source, comment: line.comment))
        }
    }

    mutating func remove(_ repo: String) throws(InvalidSource) {
        let line = Self.parse(repo)
        guard line.valid, line.enabled else { throw InvalidSource(line: repo) }
        for (path, lines) in files {
            files[path] = lines.filter { !($0.valid && $0.enabled && $0.source == line.source) }
        }
    }

    /// Each file's text as it would be written; files without lines are left out.
    func dump() -> OrderedDictionary<String, String> {
        var out: OrderedDictionary<String, String> = [:]
        for (path, lines) in files where !lines.isEmpty {
            out[path] = lines.map { l in (l.enabled ? "" : "# ") + l.source + (l.comment.isEmpty ? "" : " # " + l.comment) + "\n" }
                .joined()
        }
        return out
    }
}
