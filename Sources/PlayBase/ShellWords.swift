/// Shell words: splitting text into words as Python's `shlex.split` (posix=True) does, and
/// quoting a word as `shlex.quote` does. Ansible splits INI host lines, `command` text,
/// `$EDITOR` and ssh argument strings with `shlex.split`, so every caller shares one
/// implementation; the callers that were written against other rules say so through `Syntax`.
///
/// Splitting works on UTF-8 bytes: every character with a meaning here is ASCII, so multi-byte
/// characters pass through whole, and (unlike Swift `Character`s) a `\r\n` pair or a combining
/// mark after a quote never merges with a delimiter. Python works on code points the same way.
public enum ShellWords {
    /// Why a text could not be split; `message` is Python's wording, which Ansible shows.
    public enum SplitError: Error, Sendable, Equatable, CustomStringConvertible {
        case noClosingQuotation
        case noEscapedCharacter

        public var message: String {
            switch self {
            case .noClosingQuotation: return "No closing quotation"
            case .noEscapedCharacter: return "No escaped character"
            }
        }

        public var description: String { message }
    }

    /// The rules a caller splits by. The default is `shlex.split(text)`.
    public struct Syntax: Sendable, Equatable {
        /// What a backslash outside single quotes does.
        public enum Backslash: Sendable, Equatable {
            /// shlex: outside quotes it escapes any character; inside double quotes it escapes
            /// only `"` and `\` and otherwise stays in the word. A final one is an error.
            case shlex
            /// POSIX `sh`: as shlex, but inside double quotes `$` and `` ` `` can be escaped too,
            /// and backslash-newline disappears everywhere (line continuation).
            case posixShell
            /// It escapes any character, inside double quotes too, and a final one outside
            /// quotes is dropped.
            case escapesAnything
        }

        /// `#` outside quotes ends the word and skips to the end of the line
        /// (`shlex.split(text, comments=True)`).
        public var comments: Bool
        public var backslash: Backslash
        /// The characters that separate words (ASCII only); shlex's are space, tab, `\r`, `\n`.
        public var whitespace: Set<Unicode.Scalar>

        public init(comments: Bool = false, backslash: Backslash = .shlex, whitespace: Set<Unicode.Scalar> = [" ", "\t", "\r", "\n"]) {
            self.comments = comments
            self.backslash = backslash
            self.whitespace = whitespace
        }

        /// `shlex.split(text)`.
        public static let shlex = Syntax()
        /// `shlex.split(text, comments=True)`, which Ansible's INI inventory uses.
        public static let shlexWithComments = Syntax(comments: true)
    }

    private static let newline = UInt8(ascii: "\n"), hash = UInt8(ascii: "#"), single = UInt8(ascii: "'"),
                       double = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"),
                       dollar = UInt8(ascii: "$"), backtick = UInt8(ascii: "`")

    /// The words of `text`. An empty quoted string (`''`, `""`) is an empty word.
    public static func split(_ text: some StringProtocol, syntax: Syntax = .shlex) throws(SplitError) -> [String] {
        let bytes = Array(text.utf8)
        let separators = Set(syntax.whitespace.filter(\.isASCII).map { UInt8($0.value) })
        var words: [String] = []
        var word: [UInt8] = []
        var inWord = false  // a word has started (possibly an empty quoted one)
        var i = 0

        func finish() {
            words.append(String(decoding: word, as: UTF8.self))
            word.removeAll(keepingCapacity: true)
            inWord = false
        }

        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if separators.contains(c) {
                if inWord { finish() }
                continue
            }
            switch c {
            case hash where syntax.comments:
                if inWord { finish() }
                while i < bytes.count, bytes[i] != newline { i += 1 }
            case single:
                inWord = true
                while true {
                    guard i < bytes.count else { throw .noClosingQuotation }
                    let d = bytes[i]
                    i += 1
                    if d == single { break }
                    word.append(d)
                }
            case double:
                inWord = true
                while true {
                    guard i < bytes.count else { throw .noClosingQuotation }
                    let d = bytes[i]
                    i += 1
                    if d == double { break }
                    guard d == backslash else { word.append(d); continue }
                    // A backslash that ends the text inside quotes leaves the quote open.
                    guard i < bytes.count else { throw .noClosingQuotation }
                    let e = bytes[i]
                    i += 1
                    switch syntax.backslash {
                    case .shlex:
                        if e != double && e != backslash { word.append(backslash) }
                    case .posixShell:
                        if e == newline { continue }
                        if e != double && e != backslash && e != dollar && e != backtick { word.append(backslash) }
                    case .escapesAnything:
                        break
                    }
                    word.append(e)
                }
            case backslash:
                guard i < bytes.count else {
                    guard syntax.backslash == .escapesAnything else { throw .noEscapedCharacter }
                    inWord = true
                    continue
                }
                let e = bytes[i]
                i += 1
                if syntax.backslash == .posixShell && e == newline { continue }
                inWord = true
                word.append(e)
            default:
                inWord = true
                word.append(c)
            }
        }
        if inWord { finish() }
        return words
    }

    /// `word` as one literal shell word, as `shlex.quote` writes it: bare when it holds only
    /// characters no shell treats specially, otherwise in single quotes (a single quote inside
    /// becomes `'\''`).
    public static func quote(_ word: String) -> String {
        if !word.isEmpty, word.unicodeScalars.allSatisfy(isSafeUnquoted) { return word }
        var out = "'"
        for c in word.unicodeScalars {
            if c == "'" { out += #"'\''"# } else { out.unicodeScalars.append(c) }
        }
        return out + "'"
    }

    /// A character that means nothing to a shell, so a word made only of these needs no quotes
    /// (shlex.quote's set: ASCII letters, digits and `@%+=:,./-_`).
    public static func isSafeUnquoted(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        case "@", "%", "+", "=", ":", ",", ".", "/", "_", "-": return true
        default: return false
        }
    }
}
