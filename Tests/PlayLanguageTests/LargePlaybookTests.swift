import Foundation
import XCTest
@testable import PlayLanguage

/// A generated 2000-task playbook (the W2 benchmark's shape) compiles and lists whole.
/// Its speed is measured by bench/w2-w4.sh, not asserted here.
final class LargePlaybookTests: XCTestCase {
    static func generated(tasks count: Int) -> String {
        var lines = ["- name: generated", "  hosts: localhost", "  gather_facts: false", "  tasks:"]
        for i in 0..<count {
            switch i % 3 {
            case 0: lines += ["    - name: task \(i)", "      debug:", "        msg: \"value {{ x }} \(i)\"", "      tags: [t\(i % 10)]"]
            case 1: lines += ["    - name: task \(i)", "      set_fact:", "        v\(i): \(i)"]
            default: lines += ["    - name: task \(i)", "      command: echo \(i) chdir=/tmp", "      when: x is defined"]
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func testTwoThousandTasks() throws {
        let files = TempFiles()
        let path = files.write("w2.yml", Self.generated(tasks: 2000))
        let listing = PlaybookListing.listTasks(try compiler.compile(path: path, selection: .all))
        let lines = listing.split(separator: "\n")
        XCTAssertEqual(lines.count, 2000 + 3)
        XCTAssertEqual(lines.first, "playbook: \(path)")
        XCTAssertEqual(lines[3], "      task 0\tTAGS: [t0]")
        XCTAssertEqual(lines.last, "      task 1999\tTAGS: []")
    }
}
