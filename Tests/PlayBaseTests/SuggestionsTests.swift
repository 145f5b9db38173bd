import PlayBase
import XCTest

final class SuggestionsTests: XCTestCase {
    /// `taks` is one edit from both `tags` and `tasks`; `tasks` keeps all four typed letters in
    /// order, so it wins in every candidate order.
    func testATieGoesToTheNameKeepingMoreTypedLetters() {
        XCTAssertEqual(Suggestions.editDistance("taks", "tags"), Suggestions.editDistance("taks", "tasks"))
        XCTAssertEqual(Suggestions.closest(to: "taks", in: ["tags", "tasks"]), "tasks")
        XCTAssertEqual(Suggestions.closest(to: "taks", in: ["tasks", "tags"]), "tasks")
    }

    /// `endfi` is two edits from both `endif` and `endfor`, but a swap of two letters is the
    /// likelier typo.
    func testATieGoesToTheNameOneSwapAway() {
        XCTAssertEqual(Suggestions.editDistance("endfi", "endif"), Suggestions.editDistance("endfi", "endfor"))
        XCTAssertEqual(Suggestions.editDistance("endfi", "endif", swapsCountOnce: true), 1)
        XCTAssertEqual(Suggestions.closest(to: "endfi", in: ["endfor", "endif"]), "endif")
        XCTAssertEqual(Suggestions.closest(to: "endfi", in: ["endif", "endfor"]), "endif")
    }

    /// `cat` is one edit from `bat` and `hat`, which keep as many letters: the alphabetically
    /// first wins whatever the order (a Set or dictionary keys used to decide it by hash order).
    func testAFullTieGoesToTheAlphabeticallyFirst() {
        XCTAssertEqual(Suggestions.closest(to: "cat", in: ["hat", "bat"]), "bat")
        XCTAssertEqual(Suggestions.closest(to: "cat", in: ["bat", "hat"]), "bat")
        XCTAssertEqual(Suggestions.closest(to: "cat", in: Set(["hat", "bat", "mat"])), "bat")
    }

    func testTheNearestWinsOverATieBreak() {
        XCTAssertEqual(Suggestions.closest(to: "whne", in: ["when", "name", "loop"]), "when")
        XCTAssertEqual(Suggestions.didYouMean("hots", in: ["hosts", "host"]), ["did you mean 'hosts'?"])
        XCTAssertNil(Suggestions.closest(to: "zzzzzz", in: ["when", "name"]))
    }
}
