import Foundation
import XCTest
@testable import PlayLanguage

/// A generated 2000-task playbook (the W2 benchmark's shape) compiles and lists whole.
/// Its speed is measured by bench/w2-w4.sh, not asserted here.
final class PerformanceTests: XCTestCase {
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
        var best = Double.infinity
        var listing = ""
        for _ in 0..<3 {
            let start = Date()
            listing = PlaybookListing.listTasks(try compiler.compile(path: path, selection: .all))
            best = min(best, Date().timeIntervalSince(start))
        }
        XCTAssertEqual(listing.split(separator: "\n").count, 2000 + 3)
        print("compiled and listed 2000 tasks in \(Int(best * 1000)) ms (debug build)")
    }
}
