import PlayBase
import XCTest
@testable import PlayLanguage

/// Forms ansible-core 2.19 accepts that public playbooks use: the old `user:`, a templated
/// `gather_facts`, empty `-` entries in task lists.
final class AnsibleLeniencyTests: XCTestCase {
    func testUserIsTheOldSpellingOfRemoteUser() throws {
        let pb = try XCTUnwrap(parse("- hosts: all\n  user: deploy\n  tasks: []\n"))
        XCTAssertEqual(pb.plays.first?.remoteUser, "deploy")
    }

    func testUserAndRemoteUserTogetherIsAnError() {
        let found = diagnostics("- hosts: all\n  remote_user: a\n  user: b\n  tasks: []\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.message, "both 'user' and 'remote_user' are set for this play")
        XCTAssertEqual(found.first?.location?.line, 3)
        XCTAssertEqual(found.first?.location?.column, 3)
    }

    func testGatherFactsMayBeATemplate() throws {
        let pb = try XCTUnwrap(parse("- hosts: all\n  gather_facts: \"{{ do_gather | default(false) }}\"\n  tasks: []\n"))
        XCTAssertEqual(pb.plays.first?.gatherFacts, "{{ do_gather | default(false) }}")
        let literal = try XCTUnwrap(parse("- hosts: all\n  gather_facts: yes\n  tasks: []\n"))
        XCTAssertEqual(literal.plays.first?.gatherFacts, true)
    }

    func testGatherFactsOtherStringsAreStillRejected() {
        let found = diagnostics("- hosts: all\n  gather_facts: sometimes\n  tasks: []\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.location?.line, 2)
    }

    func testEmptyTaskEntriesAreSkipped() {
        let list = tasks("- hosts: all\n  tasks:\n    -\n    - name: one\n      debug: msg=hi\n    -\n")
        XCTAssertEqual(list.map(\.name), ["one"])
    }
}
