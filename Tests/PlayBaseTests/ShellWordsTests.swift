import Foundation
import PlayBase
import XCTest

/// Splitting expectations are checked against Python's `shlex.split`; quoting against a real `sh`.
final class ShellWordsTests: XCTestCase {
    /// The words `sh` makes of `text` (printed NUL-separated, so words may hold newlines).
    private func shellWords(_ text: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "for w in \(text); do printf '%s\\0' \"$w\"; done"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return String(decoding: data, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    // MARK: quote

    func testQuoteLeavesSafeWordsBareAndQuotesTheRest() {
        XCTAssertEqual(ShellWords.quote("/usr/bin/env"), "/usr/bin/env")
        XCTAssertEqual(ShellWords.quote("safe/path-1.txt"), "safe/path-1.txt")
        XCTAssertEqual(ShellWords.quote("a=b,c:d@e%f+g-h_i.j"), "a=b,c:d@e%f+g-h_i.j")
        XCTAssertEqual(ShellWords.quote(""), "''")
        XCTAssertEqual(ShellWords.quote("a b"), "'a b'")
        XCTAssertEqual(ShellWords.quote("it's"), #"'it'\''s'"#)
        XCTAssertEqual(ShellWords.quote("$HOME"), "'$HOME'")
        XCTAssertEqual(ShellWords.quote("é"), "'é'")
    }

    func testQuotedWordsSurviveARealShell() throws {
        let nasty = ["plain", "a b", "it's", "a \"b\" c", "$HOME", "$(touch /tmp/x)", "`id`", "back\\slash", "*", "\"q\"", "",
                     "semi;colon", "new\nline", "~", "-n", "é ü", "''"]
        XCTAssertEqual(try shellWords(nasty.map(ShellWords.quote).joined(separator: " ")), nasty)
    }

    // MARK: split, shlex.split

    func testSplitFollowsShlex() throws {
        XCTAssertEqual(try ShellWords.split("web1 a=1  b=2\t c=3"), ["web1", "a=1", "b=2", "c=3"])
        XCTAssertEqual(try ShellWords.split(#"echo "a b" 'c d' e\ f"#), ["echo", "a b", "c d", "e f"])
        XCTAssertEqual(try ShellWords.split("-o ProxyCommand='nc %h %p'"), ["-o", "ProxyCommand=nc %h %p"])
        XCTAssertEqual(try ShellWords.split(#"x "in \"q\" \$HOME""#), ["x", #"in "q" \$HOME"#])
        XCTAssertEqual(try ShellWords.split(#"-o "A=b \"c\" \d" x\ y"#), ["-o", #"A=b "c" \d"#, "x y"])
        XCTAssertEqual(try ShellWords.split(#"h x="a\"b" y="c\d""#), ["h", #"x=a"b"#, #"y=c\d"#])
        XCTAssertEqual(try ShellWords.split("  spaced\tout\n "), ["spaced", "out"])
        XCTAssertEqual(try ShellWords.split("x='it''s'"), ["x=its"])
        XCTAssertEqual(try ShellWords.split(#"a''b "" c"#), ["ab", "", "c"])
        XCTAssertEqual(try ShellWords.split("x=\"\""), ["x="])
        XCTAssertEqual(try ShellWords.split("''"), [""])
        XCTAssertEqual(try ShellWords.split("  "), [])
        XCTAssertEqual(try ShellWords.split("a#b c"), ["a#b", "c"], "no comments unless asked for")
        XCTAssertEqual(try ShellWords.split("a\\\nb"), ["a\nb"], "shlex has no line continuation")
        XCTAssertEqual(try ShellWords.split(Substring("x y")), ["x", "y"])
    }

    /// Python splits code points, not grapheme clusters: `\r\n` separates, and a combining mark
    /// after a quote does not hide the quote.
    func testSplitWorksOnCodePointsNotCharacters() throws {
        XCTAssertEqual(try ShellWords.split("a\r\nb"), ["a", "b"])
        XCTAssertEqual(try ShellWords.split("\"'\u{301}x\""), ["'\u{301}x"])
        XCTAssertEqual(try ShellWords.split("'\u{301}' é\\ü"), ["\u{301}", "éü"])
    }

    func testSplitErrors() {
        XCTAssertThrowsError(try ShellWords.split("x='open")) { XCTAssertEqual($0 as? ShellWords.SplitError, .noClosingQuotation) }
        XCTAssertThrowsError(try ShellWords.split("x=\"open")) { XCTAssertEqual($0 as? ShellWords.SplitError, .noClosingQuotation) }
        XCTAssertThrowsError(try ShellWords.split("x=\"a\\")) { XCTAssertEqual($0 as? ShellWords.SplitError, .noClosingQuotation) }
        XCTAssertThrowsError(try ShellWords.split("trailing\\")) { XCTAssertEqual($0 as? ShellWords.SplitError, .noEscapedCharacter) }
        XCTAssertEqual("\(ShellWords.SplitError.noClosingQuotation)", "No closing quotation")
        XCTAssertEqual(ShellWords.SplitError.noEscapedCharacter.message, "No escaped character")
    }

    // MARK: split, other syntaxes

    /// `shlex.split(line, comments=True)`, as Ansible reads INI host lines.
    func testCommentsEndTheLine() throws {
        let syntax = ShellWords.Syntax.shlexWithComments
        XCTAssertEqual(try ShellWords.split("a=b#c d", syntax: syntax), ["a=b"])
        XCTAssertEqual(try ShellWords.split("a=b #c", syntax: syntax), ["a=b"])
        XCTAssertEqual(try ShellWords.split("x=\"a#b\" y", syntax: syntax), ["x=a#b", "y"])
        XCTAssertEqual(try ShellWords.split("x=a\\#b", syntax: syntax), ["x=a#b"])
        XCTAssertEqual(try ShellWords.split("# only a comment", syntax: syntax), [])
        XCTAssertEqual(try ShellWords.split("a #x\nb", syntax: syntax), ["a", "b"], "a comment runs to the end of its line only")
        XCTAssertEqual(try ShellWords.split("''#", syntax: syntax), [""])
    }

    func testPosixShellBackslashes() throws {
        let syntax = ShellWords.Syntax(backslash: .posixShell)
        XCTAssertEqual(try ShellWords.split(#""\$x \`y\` \d \\ \"""#, syntax: syntax), [#"$x `y` \d \ ""#])
        XCTAssertEqual(try ShellWords.split("\"a\\\nb\" c\\\nd", syntax: syntax), ["ab", "cd"])
        XCTAssertEqual(try ShellWords.split("a \\\n b", syntax: syntax), ["a", "b"])
        XCTAssertThrowsError(try ShellWords.split("a\\", syntax: syntax))
        // What sh itself makes of the same text.
        XCTAssertEqual(try shellWords(#""\$x \`y\` \d \\ \"" c\ d"#), try ShellWords.split(#""\$x \`y\` \d \\ \"" c\ d"#, syntax: syntax))
    }

    func testBackslashEscapingAnything() throws {
        let syntax = ShellWords.Syntax(backslash: .escapesAnything, whitespace: [" ", "\t", "\n"])
        XCTAssertEqual(try ShellWords.split(#"a="x \d \" y" b=c\ d"#, syntax: syntax), [#"a=x d " y"#, "b=c d"])
        XCTAssertEqual(try ShellWords.split(#"a='\d'"#, syntax: syntax), [#"a=\d"#])
        XCTAssertEqual(try ShellWords.split("a=b\\", syntax: syntax), ["a=b"])
        XCTAssertEqual(try ShellWords.split("a\rb c", syntax: syntax), ["a\rb", "c"])
        XCTAssertThrowsError(try ShellWords.split("a=\"b\\", syntax: syntax)) { XCTAssertEqual($0 as? ShellWords.SplitError, .noClosingQuotation) }
    }
}
