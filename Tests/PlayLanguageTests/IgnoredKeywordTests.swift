import PlayBase
import XCTest
@testable import PlayLanguage

/// Keywords accepted but not acted on are warnings at their place, with what to do instead.
final class IgnoredKeywordTests: XCTestCase {
    func testKeywordsPlayDoesNotActOnAreWarnedAtTheirPlace() throws {
        let playbook = try XCTUnwrap(parse("""
            - hosts: all
              strategy: free
              fact_path: /etc/ansible/facts.d
              become_flags: -H
              tasks:
                - debug: msg=hi
                  throttle: 1
                  timeout: 5
            - hosts: all
              strategy: linear
              tasks:
                - debug: msg=hi
                  loop: [1]
                  loop_control: {extended: true, extended_allitems: false}
            """))
        let warnings = playbook.warnings.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0) \($0.message)" }
        XCTAssertEqual(warnings, [
            "2:13 'strategy' is not supported: play runs every play with the linear strategy (all hosts in lockstep)",
            "3:14 'fact_path' is not supported: play does not read local facts (ansible_local)",
            "4:17 'become_flags' is not supported: play runs become with its own flags",
            "7:17 'throttle' is not supported: play does not limit a task's parallelism below --forks",
            "8:16 'timeout' is not supported: play does not stop a task that runs too long",
        ])
        XCTAssertTrue(playbook.warnings.allSatisfy { $0.severity == .warning && !$0.notes.isEmpty })
    }
}
