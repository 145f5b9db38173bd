import XCTest
@testable import PlayConnection
import PlayTestSupport

final class ShellQuotingTests: XCTestCase {
    func testQuoteLeavesSafeWordsBareAndQuotesTheRest() {
        XCTAssertEqual(ShellQuoting.quote("/usr/bin/env"), "/usr/bin/env")
        XCTAssertEqual(ShellQuoting.quote("a=b,c:d@e%f+g-h_i.j"), "a=b,c:d@e%f+g-h_i.j")
        XCTAssertEqual(ShellQuoting.quote(""), "''")
        XCTAssertEqual(ShellQuoting.quote("a b"), "'a b'")
        XCTAssertEqual(ShellQuoting.quote("it's"), #"'it'\''s'"#)
        XCTAssertEqual(ShellQuoting.quote("$HOME"), "'$HOME'")
    }

    func testQuotedWordsSurviveARealShell() throws {
        let nasty = ["it's", "a \"b\" c", "$(touch /tmp/x)", "`id`", "back\\slash", "new\nline", "*", "~", "-n", "", "é ü"]
        let script = "printf '%s\\0' " + nasty.map(ShellQuoting.quote).joined(separator: " ")
        let (status, output) = SSHFleet.run(["/bin/sh", "-c", script])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(output.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init), nasty)
    }

    func testQuotePathExpandsOnlyALeadingTilde() {
        XCTAssertEqual(ShellQuoting.quotePath("~"), "\"$HOME\"")
        XCTAssertEqual(ShellQuoting.quotePath("~/a b"), "\"$HOME\"/'a b'")
        XCTAssertEqual(ShellQuoting.quotePath("/x/~/y"), "'/x/~/y'")
        XCTAssertEqual(ShellQuoting.quotePath("~other/x"), "'~other/x'")
    }

    func testSplitFollowsShlex() throws {
        XCTAssertEqual(try ShellQuoting.split("-o UserKnownHostsFile=/tmp/k  -C"), ["-o", "UserKnownHostsFile=/tmp/k", "-C"])
        XCTAssertEqual(try ShellQuoting.split("-o ProxyCommand='nc %h %p'"), ["-o", "ProxyCommand=nc %h %p"])
        XCTAssertEqual(try ShellQuoting.split(#"-o "A=b \"c\" \d" x\ y"#), ["-o", #"A=b "c" \d"#, "x y"])
        XCTAssertEqual(try ShellQuoting.split("''"), [""])
        XCTAssertEqual(try ShellQuoting.split("  "), [])
        XCTAssertThrowsError(try ShellQuoting.split("-o 'unclosed"))
        XCTAssertThrowsError(try ShellQuoting.split("-o \"unclosed"))
    }
}
