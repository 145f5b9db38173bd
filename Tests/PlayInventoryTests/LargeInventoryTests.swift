import Foundation
import PlayBase
import XCTest
@testable import PlayInventory

/// A 10,000-host INI inventory (inline vars, group vars, children) loads whole and right.
/// Its speed is a benchmark figure (release builds: about 35 ms of CPU), printed here, not asserted:
/// timing belongs in bench/, never in a unit test's pass or fail.
final class LargeInventoryTests: XCTestCase {
    func testTenThousandHostINILoads() throws {
        var text = "[all:vars]\nntp=time.example.com\n"
        for g in 0..<20 {
            text += "[g\(g)]\n"
            for h in 0..<500 {
                text += "host-\(g)-\(h) ansible_host=127.0.\(g).\(h % 250 + 1) ansible_port=\(2200 + h % 7) idx=\(h) label=\"web node\"\n"
            }
            text += "[g\(g):vars]\nrole=r\(g)\nweight=\(g)\n"
        }
        text += "[even:children]\n" + stride(from: 0, to: 20, by: 2).map { "g\($0)" }.joined(separator: "\n") + "\n"
        let scratch = try ScratchFolder()
        let path = try scratch.write("big.ini", text)

        let start = Self.cpuSeconds()
        let inv = try Inventory.load(sources: [path], playbookDirectory: nil, loader: YAMLLoader())
        let loadSeconds = Self.cpuSeconds() - start
        let all = try inv.hosts(matching: "all")
        let seconds = Self.cpuSeconds() - start

        XCTAssertEqual(all.count, 10_000)
        XCTAssertEqual(try inv.hosts(matching: "even").count, 5_000)
        XCTAssertEqual(inv.plainVariables(for: "host-3-42"), [
            "ntp": "time.example.com", "role": "r3", "weight": 3,
            "ansible_host": "127.0.3.43", "ansible_port": 2200, "idx": 42, "label": "web node",
        ])
        print("10,000-host INI inventory: loaded in \(Int(loadSeconds * 1000)) ms CPU, 'all' resolved by \(Int(seconds * 1000)) ms")
    }

    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
