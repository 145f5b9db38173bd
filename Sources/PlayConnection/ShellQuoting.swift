/// POSIX shell quoting for the command lines we build, and shlex-style splitting for the
/// argument strings users write (`ansible_ssh_common_args: -o Foo='a b'`).
enum ShellQuoting {
    /// `s` as one shell word: bare when it holds only characters no shell treats specially,
    /// otherwise in single quotes (a single quote inside becomes `'\''`).
    static func quote(_ s: String) -> String {
        if !s.isEmpty, s.unicodeScalars.allSatisfy(isSafe) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A remote path as one shell word; a leading `~` or `~/` refers to the remote user's home,
    /// as in Ansible, so it is left outside the quotes for the shell to expand.
    static func quotePath(_ path: String) -> String {
        if path == "~" { return "\"$HOME\"" }
        if path.hasPrefix("~/") { return "\"$HOME\"/" + quote(String(path.dropFirst(2))) }
        return quote(path)
    }

    private static func isSafe(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        case "@", "%", "+", "=", ":", ",", ".", "/", "_", "-": return true
        default: return false
        }
    }

    struct UnbalancedQuote: Error {}

    /// Splits `s` into words the way Python's `shlex.split` does (POSIX mode, no comments),
    /// which is how Ansible splits `ansible_ssh_common_args` and friends.
    static func split(_ s: String) throws(UnbalancedQuote) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = s.makeIterator()
        while let c = iterator.next() {
            switch c {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                while true {
                    guard let d = iterator.next() else { throw UnbalancedQuote() }
                    if d == "'" { break }
                    current.append(d)
                }
            case "\"":
                inWord = true
                while true {
                    guard let d = iterator.next() else { throw UnbalancedQuote() }
                    if d == "\"" { break }
                    if d == "\\" {
                        guard let e = iterator.next() else { throw UnbalancedQuote() }
                        // Inside double quotes a backslash only escapes these.
                        if e != "\\" && e != "\"" && e != "$" && e != "`" && e != "\n" { current.append("\\") }
                        if e != "\n" { current.append(e) }
                    } else {
                        current.append(d)
                    }
                }
            case "\\":
                inWord = true
                guard let d = iterator.next() else { throw UnbalancedQuote() }
                if d != "\n" { current.append(d) }
            default:
                inWord = true
                current.append(c)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
