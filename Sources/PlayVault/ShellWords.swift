/// Splits an editor command line as Python's `shlex.split` does (POSIX mode, no comments):
/// whitespace separates words; single quotes are literal; in double quotes a backslash escapes
/// only `"` and `\`; outside quotes a backslash escapes any character.
enum ShellWords {
    static func split(_ line: String) throws(VaultError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = Array(line).makeIterator()
        while let c = iterator.next() {
            switch c {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                while true {
                    guard let q = iterator.next() else { throw unclosed(line) }
                    if q == "'" { break }
                    current.append(q)
                }
            case "\"":
                inWord = true
                while true {
                    guard let q = iterator.next() else { throw unclosed(line) }
                    if q == "\"" { break }
                    if q == "\\" {
                        guard let e = iterator.next() else { throw unclosed(line) }
                        if e != "\"" && e != "\\" { current.append("\\") }
                        current.append(e)
                    } else {
                        current.append(q)
                    }
                }
            case "\\":
                inWord = true
                guard let e = iterator.next() else { throw VaultError(.editor, "No escaped character in editor command '\(line)'") }
                current.append(e)
            default:
                inWord = true
                current.append(c)
            }
        }
        if inWord { words.append(current) }
        return words
    }

    private static func unclosed(_ line: String) -> VaultError {
        VaultError(.editor, "No closing quotation in editor command '\(line)'")
    }
}
