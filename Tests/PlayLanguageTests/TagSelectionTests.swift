import XCTest
@testable import PlayLanguage

/// Ansible's tag rules (Taggable.evaluate_tags), case by case.
final class TagSelectionTests: XCTestCase {
    func check(_ selection: TagSelection, _ cases: [(Set<String>, Bool)], file: StaticString = #filePath, line: UInt = #line) {
        for (tags, expected) in cases {
            XCTAssertEqual(selection.selects(tags), expected, "tags \(tags.sorted()) with \(selection)", file: file, line: line)
        }
    }

    func testDefaultRunsAllButNever() {
        check(.all, [([], true), (["a"], true), (["always"], true), (["never"], false), (["never", "a"], false),
                     (["never", "always"], true)])
    }

    func testOnlyTags() {
        check(TagSelection(tags: ["a"]), [([], false), (["a"], true), (["b"], false), (["always"], true),
                                         (["never", "a"], true), (["never"], false)])
    }

    func testNeverSelectedExplicitly() {
        check(TagSelection(tags: ["never"]), [(["never"], true), (["never", "debug"], true), (["a"], false), ([], false)])
    }

    func testTaggedAndUntagged() {
        check(TagSelection(tags: ["tagged"]), [([], false), (["a"], true), (["never", "a"], false), (["always"], true)])
        check(TagSelection(tags: ["untagged"]), [([], true), (["a"], false), (["always"], true)])
    }

    func testSkipTags() {
        check(TagSelection(skipTags: ["a"]), [([], true), (["a"], false), (["a", "always"], false), (["b"], true)])
        check(TagSelection(skipTags: ["always"]), [(["always"], false), ([], true)])
        check(TagSelection(skipTags: ["tagged"]), [([], true), (["a"], false), (["always"], false)])
        check(TagSelection(skipTags: ["untagged"]), [([], false), (["a"], true)])
        check(TagSelection(skipTags: ["all"]), [([], false), (["a"], false), (["always"], true)])
        check(TagSelection(skipTags: ["all", "always"]), [(["always"], false)])
    }

    func testSkipWinsOverOnly() {
        check(TagSelection(tags: ["a"], skipTags: ["b"]), [(["a"], true), (["a", "b"], false)])
        check(TagSelection(tags: ["all"], skipTags: ["never"]), [(["never"], false), (["x"], true)])
    }

    func testCommandLineSplitting() {
        let s = TagSelection(commandLineTags: ["a, b", "c"], commandLineSkipTags: ["d,e"])
        XCTAssertEqual(s.tags, ["a", "b", "c"])
        XCTAssertEqual(s.skipTags, ["d", "e"])
    }

    func testTagListingSelection() {
        XCTAssertEqual(TagSelection.all.forTagListing, TagSelection(tags: ["never", "all"]))
        XCTAssertEqual(TagSelection(tags: ["x"]).forTagListing, TagSelection(tags: ["x"]))
        XCTAssertEqual(TagSelection(skipTags: ["x"]).forTagListing, TagSelection(skipTags: ["x"]))
    }
}
