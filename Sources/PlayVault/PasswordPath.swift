/// Turns a password-file argument into the absolute path ansible would use ("unfrack": expand
/// `$VARS` and `~`, join to the working directory, normalise; symlinks are not resolved).
enum PasswordPath {
    static func absolute(_ path: String, environment: [String: String], currentDirectory: String) -> String {
        var expanded = expandVariables(path, environment: environment)
        if expanded == "~" || expanded.hasPrefix("~/"), let home = environment["HOME"] {
            expanded = home + expanded.dropFirst()
        }
        if !expanded.hasPrefix("/") { expanded = currentDirectory + "/" + expanded }
        return FileIO.normalize(expanded)
    }

    /// `$NAME` and `${NAME}`; unknown variables stay as written (Python's os.path.expandvars).
    static func expandVariables(_ text: String, environment: [String: String]) -> String {
        guard text.contains("$") else { return text }
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            let isNameChar: (Character) -> Bool = { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
            if after.first == "{", let close = after.firstIndex(of: "}") {
                let name = String(after[after.index(after: after.startIndex)..<close])
                if let value = environment[name] {
                    out += value
                    rest = after[after.index(after: close)...]
                    continue
                }
            } else {
                let name = after.prefix(while: isNameChar)
                if !name.isEmpty, let value = environment[String(name)] {
                    out += value
                    rest = after[name.endIndex...]
                    continue
                }
            }
            out += "$"
            rest = after
        }
        return out + rest
    }

    /// A script named `something-client` (any extension) is told which vault id is wanted.
    static func isClientScript(_ path: String) -> Bool {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        var stem = Substring(name)
        // os.path.splitext: the last dot that is not part of leading dots starts the extension.
        let leadingDots = stem.prefix(while: { $0 == "." }).count
        if let dot = stem.lastIndex(of: "."), stem.distance(from: stem.startIndex, to: dot) >= leadingDots, dot != stem.startIndex {
            stem = stem[..<dot]
        }
        return stem.hasSuffix("-client")
    }
}
