import XCTest
@testable import PlayConnection

/// Plain quoting and splitting are tested with `ShellWords` in PlayBaseTests.
final class ShellQuotingTests: XCTestCase {
    func testQuotePathExpandsOnlyALeadingTilde() {
        XCTAssertEqual(ShellQuoting.quotePath("~"), "\"$HOME\"")
        XCTAssertEqual(ShellQuoting.quotePath("~/a b"), "\"$HOME\"/'a b'")
        XCTAssertEqual(ShellQuoting.quotePath("/x/~/y"), "'/x/~/y'")
        XCTAssertEqual(ShellQuoting.quotePath("~other/x"), "'~other/x'")
        XCTAssertEqual(ShellQuoting.quotePath("/plain/path"), "/plain/path")
    }
}
