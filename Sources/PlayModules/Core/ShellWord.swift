import PlayBase

/// Builds words of POSIX `sh` text for the scripts modules send to a target. Every value that
/// comes from a playbook goes through here (or `ShellWords.quote`), so nothing a user writes is
/// ever parsed as shell syntax unless the module is `shell`.
enum ShellWord {
    /// `ShellWords.quote`, kept under this name for the Deploy modules that call it.
    static func quote(_ s: String) -> String {
        ShellWords.quote(s)
    }

    /// One word that the target's shell expands the way Python's
    /// `os.path.expanduser(os.path.expandvars(s))` does, which is what Ansible applies to `path`
    /// arguments and to `command` words: `$NAME` and `${NAME}` become the variable's value (left
    /// as written when it is unset), a leading `~` or `~user` becomes a home directory. Nothing
    /// else is expanded: the result is never split or globbed.
    static func expanded(_ s: String) -> String {
        var out = ""
        var rest = Substring(s)
        if rest.first == "~" {
            let prefix = rest.prefix { $0 != "/" }
            let user = prefix.dropFirst()
            if user.unicodeScalars.allSatisfy(isUserNameScalar) {
                out += prefix
                rest = rest.dropFirst(prefix.count)
                if rest.first == "/" { out += "/"; rest = rest.dropFirst() }
            }
        }
        out += variablesExpanded(rest, literal: ShellWords.quote)
        return out.isEmpty ? "''" : out
    }

    /// Like `expanded`, but `*`, `?` and `[...]` stay active as patterns: for `creates:` and
    /// `removes:`, which Ansible matches with Python's `glob`.
    static func glob(_ s: String) -> String {
        var out = ""
        var rest = Substring(s)
        if rest.first == "~" {
            let prefix = rest.prefix { $0 != "/" }
            if prefix.dropFirst().unicodeScalars.allSatisfy(isUserNameScalar) {
                out += prefix
                rest = rest.dropFirst(prefix.count)
                if rest.first == "/" { out += "/"; rest = rest.dropFirst() }
            }
        }
        out += variablesExpanded(rest, literal: globLiteral)
        return out.isEmpty ? "''" : out
    }

    /// Text with `$NAME` / `${NAME}` references turned into double-quoted expansions that keep
    /// the reference as written when the variable is unset; other text goes through `literal`.
    private static func variablesExpanded(_ s: Substring, literal: (String) -> String) -> String {
        var out = ""
        var pending = ""
        func flush() {
            if !pending.isEmpty { out += literal(pending); pending = "" }
        }
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            guard c == "$" else { pending.append(c); i = s.index(after: i); continue }
            let next = s.index(after: i)
            if next < s.endIndex, s[next] == "{", let close = s[next...].firstIndex(of: "}") {
                let name = String(s[s.index(after: next)..<close])
                if isVariableName(name) {
                    flush()
                    out += "\"${\(name)-\\${\(name)\\}}\""
                    i = s.index(after: close)
                    continue
                }
            } else {
                let name = String(s[next...].prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
                if isVariableName(name) {
                    flush()
                    out += "\"${\(name)-\\$\(name)}\""
                    i = s.index(next, offsetBy: name.count)
                    continue
                }
            }
            pending.append(c)
            i = next
        }
        flush()
        return out
    }

    /// Quotes everything except glob characters; a bracket expression stays whole and bare
    /// when its contents are safe.
    private static func globLiteral(_ s: String) -> String {
        var out = ""
        var pending = ""
        func flush() {
            if !pending.isEmpty { out += ShellWords.quote(pending); pending = "" }
        }
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == "*" || c == "?" {
                flush()
                out.append(c)
            } else if c == "[", let close = s[s.index(after: i)...].firstIndex(of: "]"), close > s.index(after: i) {
                let inner = s[s.index(after: i)..<close]
                let body = inner.first == "!" || inner.first == "^" ? inner.dropFirst() : inner[...]
                if !body.isEmpty, body.unicodeScalars.allSatisfy({ ShellWords.isSafeUnquoted($0) || $0 == "-" }) {
                    flush()
                    out += "[" + (inner.first == "!" || inner.first == "^" ? "!" : "") + body + "]"
                    i = s.index(after: close)
                    continue
                }
                pending.append(c)
            } else {
                pending.append(c)
            }
            i = s.index(after: i)
        }
        flush()
        return out
    }

    /// A shell variable name: a letter or `_`, then letters, digits and `_`.
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    private static func isUserNameScalar(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": return true
        default: return false
        }
    }
}
