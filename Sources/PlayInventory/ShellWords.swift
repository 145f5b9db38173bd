import PlayBase

/// Splits an INI host line into words the way Python's `shlex.split(line, comments=True)` does,
/// which is what Ansible uses: whitespace separates words, `'...'` is literal, `"..."` honours
/// `\"` and `\\`, a backslash outside quotes escapes the next character, and `#` outside quotes
/// starts a comment that runs to the end of the line.
enum ShellWords {
    enum SplitError: Error, Equatable {
        case noClosingQuotation
        case noEscapedCharacter

        var message: String {
            switch self {
            case .noClosingQuotation: return "No closing quotation"
            case .noEscapedCharacter: return "No escaped character"
            }
        }
    }

    static func split(_ line: Substring) throws(SplitError) -> [String] {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        var inWord = false  // a word has started (possibly an empty quoted one)
        let scalars = line.unicodeScalars
        var index = scalars.startIndex

        func next() -> Unicode.Scalar? {
            guard index < scalars.endIndex else { return nil }
            defer { index = scalars.index(after: index) }
            return scalars[index]
        }

        while let c = next() {
            switch c {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(String(word)); word = .init(); inWord = false }
            case "#":
                if inWord { words.append(String(word)) }
                return words
            case "'":
                inWord = true
                while true {
                    guard let d = next() else { throw .noClosingQuotation }
                    if d == "'" { break }
                    word.append(d)
                }
            case "\"":
                inWord = true
                while true {
                    guard let d = next() else { throw .noClosingQuotation }
                    if d == "\"" { break }
                    if d == "\\" {
                        guard let e = next() else { throw .noClosingQuotation }
                        if e != "\"" && e != "\\" { word.append(d) }
                        word.append(e)
                        continue
                    }
                    word.append(d)
                }
            case "\\":
                guard let e = next() else { throw .noEscapedCharacter }
                inWord = true
                word.append(e)
            default:
                inWord = true
                word.append(c)
            }
        }
        if inWord { words.append(String(word)) }
        return words
    }
}
