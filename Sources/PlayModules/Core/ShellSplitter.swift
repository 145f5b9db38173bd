/// Splits a command line into words exactly as Python's `shlex.split` does (POSIX mode, no
/// comments), which is how Ansible's `command` module turns its free-form text into argv.
enum ShellSplitter {
    struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        var description: String
    }

    static func split(_ s: String) throws(Failure) -> [String] {
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
                    guard let d = iterator.next() else { throw Failure(description: "No closing quotation") }
                    if d == "'" { break }
                    current.append(d)
                }
            case "\"":
                inWord = true
                while true {
                    guard let d = iterator.next() else { throw Failure(description: "No closing quotation") }
                    if d == "\"" { break }
                    if d == "\\" {
                        guard let e = iterator.next() else { throw Failure(description: "No closing quotation") }
                        // Python's shlex lets a backslash escape only `"` and `\` inside double quotes.
                        if e != "\\" && e != "\"" { current.append("\\") }
                        current.append(e)
                    } else {
                        current.append(d)
                    }
                }
            case "\\":
                inWord = true
                guard let d = iterator.next() else { throw Failure(description: "No escaped character") }
                current.append(d)
            default:
                inWord = true
                current.append(c)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
