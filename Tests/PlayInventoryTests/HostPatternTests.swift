import Foundation
import PlayBase
import XCTest
@testable import PlayInventory

/// Expectations taken from `ansible -i Fixtures/ini/hosts.ini PATTERN --list-hosts` (ansible-core 2.19).
final class HostPatternTests: XCTestCase {
    static let expectations: [(String, [String])] = [
        ("all", ["lonely", "jump", "nodea", "nodec", "nodee", "app01", "app04", "app07", "app10", "web01", "web02", "web03", "web-extra.example.com", "db-a", "db-b", "db-c", "redis1"]),
        ("*", ["lonely", "jump", "nodea", "nodec", "nodee", "app01", "app04", "app07", "app10", "web01", "web02", "web03", "web-extra.example.com", "db-a", "db-b", "db-c", "redis1"]),
        ("web", ["web01", "web02", "web03", "web-extra.example.com"]),
        ("prod", ["web01", "web02", "web03", "web-extra.example.com", "db-a", "db-b", "db-c", "redis1"]),
        ("web:db", ["web01", "web02", "web03", "web-extra.example.com", "db-a", "db-b", "db-c"]),
        ("web,cache", ["web01", "web02", "web03", "web-extra.example.com", "redis1"]),
        ("prod:&backend", ["db-a", "db-b", "db-c", "redis1"]),
        ("prod:!db", ["web01", "web02", "web03", "web-extra.example.com", "redis1"]),
        ("web0*", ["web01", "web02", "web03"]),
        ("*.example.com", ["web-extra.example.com"]),
        ("~web0[12]", ["web01", "web02"]),
        ("~db-[ab]", ["db-a", "db-b"]),
        ("web[0]", ["web01"]),
        ("web[1:2]", ["web02", "web03"]),
        ("web[-1]", ["web-extra.example.com"]),
        ("backend[1:]", ["db-b", "db-c", "redis1"]),
        ("!prod", ["lonely", "jump", "nodea", "nodec", "nodee", "app01", "app04", "app07", "app10"]),
        ("letters:stepped:&all", ["nodea", "nodec", "nodee", "app01", "app04", "app07", "app10"]),
        ("db-a", ["db-a"]),
        ("nodea:app*", ["nodea", "app01", "app04", "app07", "app10"]),
        ("localhost", ["localhost"]),
        ("nomatch", []),
        ("ungrouped", ["lonely", "jump"]),
        ("all:!ungrouped", ["nodea", "nodec", "nodee", "app01", "app04", "app07", "app10", "web01", "web02", "web03", "web-extra.example.com", "db-a", "db-b", "db-c", "redis1"]),
        ("web[1-2]", ["web02", "web03"]),
        ("prod[2:0]", ["web03"]),
        ("db-?", ["db-a", "db-b", "db-c"]),
        ("node[!a]*", ["nodec", "nodee"]),
        ("web*:&~.*3", ["web03"]),
        ("127.0.0.1,localhost", ["127.0.0.1"]),
        ("db:web01", ["db-a", "db-b", "db-c", "web01"]),
        (" web , cache ", ["web01", "web02", "web03", "web-extra.example.com", "redis1"]),
    ]

    func load() throws -> Inventory {
        try Inventory.load(sources: [fixture("ini/hosts.ini")], playbookDirectory: nil, loader: YAMLLoader())
    }

    func testEveryPatternForm() throws {
        let inv = try load()
        for (pattern, expected) in Self.expectations {
            XCTAssertEqual(try inv.hosts(matching: pattern), expected, pattern)
        }
    }

    func testInvalidPatternsAreDiagnostics() throws {
        let inv = try load()
        XCTAssertEqual(diagnostic { _ = try inv.hosts(matching: "~web(") }?.message, "Invalid host list pattern: ~web(")
        let outOfRange = diagnostic { _ = try inv.hosts(matching: "web[7]") }
        XCTAssertEqual(outOfRange?.message, "No hosts matched the subscripted pattern 'web[7]'")
        XCTAssertEqual(outOfRange?.notes, ["'web' has 4 hosts; subscripts count from 0"])
        XCTAssertEqual(diagnostic { _ = try inv.hosts(matching: "") }?.message, "empty host pattern ''")
        XCTAssertEqual(diagnostic { _ = try inv.hosts(matching: " , ") }?.message, "empty host pattern ' , '")
        // A subscript on a pattern that matches nothing is not an error.
        XCTAssertEqual(try inv.hosts(matching: "nothing[3]"), [])
    }

    func testUnmatchedPatternsForWarnings() throws {
        let inv = try load()
        XCTAssertEqual(inv.unmatchedPatterns(in: "web:nomatch:&gone:!nothing[2]"), ["nomatch", "gone", "nothing"])
        XCTAssertEqual(inv.unmatchedPatterns(in: "all:localhost:web0*:db-a:zz*"), ["zz*"])
        XCTAssertEqual(inv.unmatchedPatterns(in: "~web("), [])
    }

    func testLimit() throws {
        let inv = try load()
        XCTAssertEqual(try inv.hosts(matching: "prod", limit: "db"), ["db-a", "db-b", "db-c"])
        XCTAssertEqual(try inv.hosts(matching: "prod", limit: "web0*:!web02"), ["web01", "web03"])
        XCTAssertEqual(try inv.hosts(matching: "all", limit: "backend[0]"), ["db-a"])
        XCTAssertEqual(try inv.hosts(matching: "web", limit: "cache"), [])
        XCTAssertEqual(try inv.hosts(matching: "web", limit: ""), try inv.hosts(matching: "web"))
        XCTAssertEqual(try inv.hosts(matching: "web", limit: nil), try inv.hosts(matching: "web"))
        XCTAssertEqual(try inv.hosts(matching: "localhost", limit: "localhost"), ["localhost"])
        XCTAssertEqual(try inv.hosts(matching: "localhost", limit: "web"), [])
    }

    func testLimitFromFile() throws {
        let inv = try load()
        let scratch = try ScratchFolder()
        let retry = try scratch.write("site.retry", "web02\n  db-c  \n\nredis1\n")
        XCTAssertEqual(try inv.hosts(matching: "all", limit: "@\(retry)"), ["web02", "db-c", "redis1"])
        XCTAssertEqual(try inv.hosts(matching: "prod", limit: "@\(retry),!db-c"), ["web02", "redis1"])
        XCTAssertEqual(diagnostic { _ = try inv.hosts(matching: "all", limit: "@/nonexistent/x.retry") }?.message,
                       "Unable to find limit file /nonexistent/x.retry")
        XCTAssertEqual(diagnostic { _ = try inv.hosts(matching: "all", limit: "@\(scratch.path)") }?.message,
                       "Limit starting with \"@\" must be a file, not a directory: \(scratch.path)")
    }

    func testSplitting() {
        XCTAssertEqual(HostPattern.split("a:b"), ["a", "b"])
        XCTAssertEqual(HostPattern.split("a:&b:!c"), ["a", "&b", "!c"])
        XCTAssertEqual(HostPattern.split("a, b ,c,"), ["a", "b", "c"])
        XCTAssertEqual(HostPattern.split("web[1:3]"), ["web[1:3]"])
        XCTAssertEqual(HostPattern.split("host:22"), ["host:22"])
        XCTAssertEqual(HostPattern.split("fe80::1"), ["fe80::1"])
        XCTAssertEqual(HostPattern.split("web*[0:1]:db"), ["web*[0:1]", "db"])
        XCTAssertEqual(HostPattern.ordered(["!a", "&b", "c"]), ["c", "&b", "!a"])
        XCTAssertEqual(HostPattern.ordered(["!a"]), ["all", "!a"])
    }

    func testGlobs() {
        XCTAssertTrue(GlobPattern("web*").matches("web"))
        XCTAssertTrue(GlobPattern("*b*").matches("abc"))
        XCTAssertFalse(GlobPattern("web?").matches("web"))
        XCTAssertTrue(GlobPattern("[a-c]x").matches("bx"))
        XCTAssertFalse(GlobPattern("[!a-c]x").matches("bx"))
        XCTAssertTrue(GlobPattern("[]]").matches("]"))
        XCTAssertTrue(GlobPattern("a[b").matches("a[b"))
        XCTAssertFalse(GlobPattern("Web").matches("web"))
        XCTAssertTrue(GlobPattern("*.example.com").matches("a.b.example.com"))
        XCTAssertFalse(GlobPattern("*.example.com").matches("example.com"))
    }

    func testPlayOrder() {
        let hosts = ["web2", "db1", "web10", "app"]
        XCTAssertEqual(Inventory.order(hosts, by: "inventory"), hosts)
        XCTAssertEqual(Inventory.order(hosts, by: "reverse_inventory"), ["app", "web10", "db1", "web2"])
        XCTAssertEqual(Inventory.order(hosts, by: "sorted"), ["app", "db1", "web10", "web2"])
        XCTAssertEqual(Inventory.order(hosts, by: "reverse_sorted"), ["web2", "web10", "db1", "app"])
        var generator = SeededGenerator(seed: 7)
        let shuffled = Inventory.order(hosts, by: "shuffle", using: &generator)
        XCTAssertEqual(Set(shuffled), Set(hosts))
        var again = SeededGenerator(seed: 7)
        XCTAssertEqual(Inventory.order(hosts, by: "shuffle", using: &again), shuffled)
        XCTAssertEqual(Inventory.orderValues, ["inventory", "reverse_inventory", "sorted", "reverse_sorted", "shuffle"])
    }
}

/// A repeatable random source (SplitMix64) for shuffle tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
