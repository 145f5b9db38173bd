import OrderedCollections
import PlayBase
import PlayExecutor
@testable import PlayModules
import XCTest

final class AssertModuleTests: XCTestCase {
    private let fleet: OrderedDictionary<String, Value> = [
        "items": [["a": "b"], ["a": "c"]],
    ]

    func testStringThatWithCommasInAFilterCallIsOneCondition() async throws {
        let h = ModuleHarness(variables: fleet)
        let holds = try await h.run(AssertModule(), ["that": "items | selectattr('a', 'eq', 'b') | list | length > 0"])
        XCTAssertFalse(holds.failed, "\(holds.values)")
        XCTAssertEqual(holds["msg"], "All assertions passed")

        let fails = try await h.run(AssertModule(), ["that": "items | selectattr('a', 'eq', 'z') | list | length > 0"])
        XCTAssertTrue(fails.failed)
        XCTAssertEqual(fails["assertion"], "items | selectattr('a', 'eq', 'z') | list | length > 0",
                       "the whole string is the assertion, not a comma-split piece")
        XCTAssertEqual(fails["evaluated_to"], false)
        XCTAssertEqual(fails["msg"], "Assertion failed")
    }

    func testCommaSeparatedConditionsInAStringAreNotSplit() async throws {
        // Ansible reads this as one expression and rejects it; splitting would pass it.
        let h = ModuleHarness(variables: fleet)
        do {
            let r = try await h.run(AssertModule(), ["that": "items | length == 2, 1 == 1"])
            XCTFail("one expression with a trailing ', 1 == 1' should not evaluate: \(r.values)")
        } catch {
            XCTAssertFalse("\(error)".isEmpty)
        }
    }

    func testListOfConditionsStopsAtTheFirstThatDoesNotHold() async throws {
        let h = ModuleHarness(variables: fleet)
        let all = try await h.run(AssertModule(), ["that": [
            "items | length == 2",
            "items | selectattr('a', 'eq', 'c') | list | length == 1",
            true,
        ]])
        XCTAssertFalse(all.failed, "\(all.values)")

        let second = try await h.run(AssertModule(), [
            "that": ["items | length == 2", "items | map(attribute='a') | join(',') == 'b'", "1 == 1"],
            "msg": "one, two",
        ])
        XCTAssertTrue(second.failed)
        XCTAssertEqual(second["assertion"], "items | map(attribute='a') | join(',') == 'b'")
        XCTAssertEqual(second["msg"], "one, two", "msg is the alias of fail_msg and is not split either")
    }

    func testMessagesAreAStringOrAListOfStrings() async throws {
        let h = ModuleHarness(variables: fleet)
        let failed = try await h.run(AssertModule(), ["that": "items | length == 3", "fail_msg": ["first", "second"]])
        XCTAssertTrue(failed.failed)
        XCTAssertEqual(failed["msg"], ["first", "second"])

        let passed = try await h.run(AssertModule(), ["that": "items | length == 2", "success_msg": ["yes1", "yes2"]])
        XCTAssertFalse(passed.failed)
        XCTAssertEqual(passed["msg"], ["yes1", "yes2"])

        let wrongType = try await h.run(AssertModule(), ["that": "items | length == 2", "fail_msg": 5])
        XCTAssertTrue(wrongType.failed, "checked before the conditions, as Ansible does")
        XCTAssertEqual(wrongType.string("msg"),
                       "argument 'fail_msg' is of type int and we were unable to convert to str_or_list_of_str: a string or list of strings is required")
    }
}
