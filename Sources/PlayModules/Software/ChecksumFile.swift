import Foundation

/// A checksum file as `get_url` reads one from a `checksum: algo:URL`: a single bare digest, or
/// lines in GNU (`<digest>  [*]<name>`) or BSD (`SHA256 (<name>) = <digest>`) form. A GNU
/// line's name loses a leading `./`, `.` or `*`, as in Ansible.
enum ChecksumFile {
    static func digest(for file: String, in text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }.filter { !$0.isEmpty }
        if lines.count == 1, lines[0].split(whereSeparator: \.isWhitespace).count == 1 { return lines[0] }
        for line in lines {
            if let (digest, name) = bsd(line) ?? gnu(line), name == file { return digest }
        }
        return nil
    }

    private static func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    private static func bsd(_ line: String) -> (String, String)? {
        guard let open = line.firstIndex(of: "("), let close = line.range(of: ") = ", options: .backwards)
                ?? line.range(of: ")= ", options: .backwards), open < close.lowerBound else { return nil }
        let algorithm = line[..<open].trimmingCharacters(in: .whitespaces)
        guard !algorithm.isEmpty, algorithm.allSatisfy(isWord) else { return nil }
        let name = String(line[line.index(after: open)..<close.lowerBound])
        let digest = String(line[close.upperBound...])
        guard !name.isEmpty, !digest.isEmpty, digest.allSatisfy({ isWord($0) || $0 == "." }) else { return nil }
        return (digest, name)
    }

    private static func gnu(_ line: String) -> (String, String)? {
        let digest = line.prefix { isWord($0) || $0 == "." }
        var rest = line.dropFirst(digest.count)
        guard !digest.isEmpty, let first = rest.first, first.isWhitespace else { return nil }
        rest = rest.drop { $0.isWhitespace }
        if rest.first == "*" { rest = rest.dropFirst() }
        var name = String(rest)
        while name.hasPrefix(".") || name.hasPrefix("/") { name.removeFirst() }
        guard !name.isEmpty else { return nil }
        return (String(digest), name)
    }
}
