import PlayBase

/// Splits an INI host line into words the way Python's `shlex.split(line, comments=True)` does,
/// which is what Ansible uses: whitespace separates words, `'...'` is literal, `"..."` honours
/// `\"` and `\\`, a backslash outside quotes escapes the next character, and `#` outside quotes
/// starts a comment that runs to the end of the line.
/// Works on UTF-8 bytes: every character with a meaning here is ASCII, and multi-byte
/// characters pass through whole.
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

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n"),
                       cr = UInt8(ascii: "\r"), hash = UInt8(ascii: "#"), single = UInt8(ascii: "'"),
                       double = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    static func split(_ line: Substring) throws(SplitError) -> [String] {
        var words: [String] = []
        var word: [UInt8] = []
        var inWord = false  // a word has started (possibly an empty quoted one)
        let bytes = line.utf8
        var i = bytes.startIndex

        func next() -> UInt8? {
            guard i < bytes.endIndex else { return nil }
            defer { i = bytes.index(after: i) }
            return bytes[i]
        }
        func finish() {
            words.append(String(decoding: word, as: UTF8.self))
            word.removeAll(keepingCapacity: true)
            inWord = false
        }

        while let c = next() {
            switch c {
            case space, tab, newline, cr:
                if inWord { finish() }
            case hash:
                if inWord { finish() }
                return words
            case single:
                inWord = true
                while true {
                    guard let d = next() else { throw .noClosingQuotation }
                    if d == single { break }
                    word.append(d)
                }
            case double:
                inWord = true
                while true {
                    guard let d = next() else { throw .noClosingQuotation }
                    if d == double { break }
                    if d == backslash {
                        guard let e = next() else { throw .noClosingQuotation }
                        if e != double && e != backslash { word.append(d) }
                        word.append(e)
                        continue
                    }
                    word.append(d)
                }
            case backslash:
                guard let e = next() else { throw .noEscapedCharacter }
                inWord = true
                word.append(e)
                // A multi-byte character after the backslash stays whole.
                while i < bytes.endIndex, bytes[i] & 0xC0 == 0x80 { word.append(bytes[i]); i = bytes.index(after: i) }
            default:
                inWord = true
                word.append(c)
            }
        }
        if inWord { finish() }
        return words
    }
}
