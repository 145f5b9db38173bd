import Foundation

/// An authorized_keys file parsed and written back the way ansible.posix's authorized_key does:
/// entries keyed by the base64 key (or, for comments, blank and unparsable lines, by the line
/// itself), each with a rank that orders the output, so the bytes `play` writes are Ansible's.
struct AuthorizedKeys {
    struct Entry: Equatable {
        /// The base64 key, or the whole line for a kept-as-is line.
        var key: String
        /// nil for a line kept as it is.
        var type: String?
        var options: [(String, String?)]
        var comment: String?
        var rank: Int

        static func == (a: Entry, b: Entry) -> Bool { a.key == b.key && a.rank == b.rank && a.sameContent(b) }

        /// Ansible compares key, type, options (as a multi-valued map) and comment.
        func sameContent(_ other: Entry) -> Bool {
            key == other.key && type == other.type && comment == other.comment
                && Self.grouped(options) == Self.grouped(other.options)
        }

        private static func grouped(_ options: [(String, String?)]) -> [String: [String?]] {
            options.reduce(into: [:]) { $0[$1.0, default: []].append($1.1) }
        }

        /// The line as Ansible's serialize writes it (with a space before an empty comment).
        var line: String {
            guard let type else { return key }
            let optionText = options.isEmpty ? "" : options.map { k, v in v.map { "\(k)=\($0)" } ?? k }.joined(separator: ",") + " "
            return "\(optionText)\(type) \(key) \(comment ?? "")\n"
        }
    }

    static let keyTypes: Set<String> = [
        "sk-ecdsa-sha2-nistp256@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
        "webauthn-sk-ecdsa-sha2-nistp256@openssh.com", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256-cert-v01@openssh.com",
        "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp521",
        "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com",
        "ssh-ed25519", "ssh-ed25519-cert-v01@openssh.com", "ssh-dss", "ssh-rsa", "ssh-xmss@openssh.com",
        "ssh-xmss-cert-v01@openssh.com", "rsa-sha2-256", "rsa-sha2-512", "ssh-rsa-cert-v01@openssh.com",
        "rsa-sha2-256-cert-v01@openssh.com", "rsa-sha2-512-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com",
    ]

    /// Entries in insertion order (a later entry with the same key replaces an earlier one in place).
    private(set) var entries: [Entry] = []

    init(text: String) {
        for (rank, line) in Self.linesKeepingEnds(text).enumerated() {
            set(Self.parse(line, rank: rank) ?? Entry(key: line, type: nil, options: [], comment: nil, rank: rank))
        }
    }

    subscript(key: String) -> Entry? { entries.first { $0.key == key } }

    var count: Int { entries.count }

    mutating func set(_ entry: Entry) {
        if let i = entries.firstIndex(where: { $0.key == entry.key }) { entries[i] = entry } else { entries.append(entry) }
    }

    mutating func remove(_ key: String) { entries.removeAll { $0.key == key } }

    /// The file's text: entries by rank (ties in insertion order).
    var serialized: String {
        entries.enumerated().sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }.map(\.element.line).joined()
    }

    /// One key line: nil when it names no known key type; a comment line is kept as it is.
    static func parse(_ raw: String, rank: Int) -> Entry? {
        let text = raw.replacingOccurrences(of: "\\#", with: "#")
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).map(String.init)
        if parts.first == "#" { return Entry(key: text, type: nil, options: [], comment: nil, rank: rank) }
        guard let typeIndex = parts.firstIndex(where: keyTypes.contains), typeIndex + 1 < parts.count else { return nil }
        let options = typeIndex > 0 ? parseOptions(parts[..<typeIndex].joined(separator: " ")) : []
        return Entry(key: parts[typeIndex + 1], type: parts[typeIndex], options: options,
                     comment: parts[(typeIndex + 2)...].joined(separator: " "), rank: rank)
    }

    /// `key_options` text as option pairs: comma-separated, commas inside quotes kept.
    static func parseOptions(_ text: String) -> [(String, String?)] {
        // Runs of plain characters and quoted strings are parts; the text between them separates.
        var current = ""
        var chars = Array(text)[...]
        var pieces: [(isPart: Bool, text: String)] = []
        while let c = chars.first {
            if c == "\"" || c == "'", let close = chars.dropFirst().firstIndex(of: c) {
                current += String(chars[chars.startIndex...close])
                chars = chars[(close + 1)...]
                continue
            }
            chars = chars.dropFirst()
            if c == "," || c == "\"" || c == "'" {
                if !current.isEmpty { pieces.append((true, current)); current = "" }
                if let last = pieces.last, !last.isPart { pieces[pieces.count - 1].text.append(c) } else { pieces.append((false, String(c))) }
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { pieces.append((true, current)) }
        // Python's re.split(...)[1:-1]: drop a leading and a trailing separator slot.
        if pieces.first?.isPart == false { pieces.removeFirst() }
        if pieces.last?.isPart == false { pieces.removeLast() }
        var options: [(String, String?)] = []
        for piece in pieces {
            if let eq = piece.text.firstIndex(of: "=") {
                options.append((String(piece.text[..<eq]), String(piece.text[piece.text.index(after: eq)...])))
            } else if piece.text != "," {
                options.append((piece.text, nil))
            }
        }
        return options
    }

    /// Python's `splitlines(True)`.
    static func linesKeepingEnds(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for c in text {
            current.append(c)
            if c == "\n" || c == "\r" || c == "\r\n" { out.append(current); current = "" }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
