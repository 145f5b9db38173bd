import XCTest
@testable import PlayInventory

final class HostRangeTests: XCTestCase {
    func testExpansion() throws {
        XCTAssertEqual(try HostRange.expand("web1"), ["web1"])
        XCTAssertEqual(try HostRange.expand("web[1:3]"), ["web1", "web2", "web3"])
        XCTAssertEqual(try HostRange.expand("web[01:03]"), ["web01", "web02", "web03"])
        XCTAssertEqual(try HostRange.expand("web[01:10:3]"), ["web01", "web04", "web07", "web10"])
        XCTAssertEqual(try HostRange.expand("db-[a:c]"), ["db-a", "db-b", "db-c"])
        XCTAssertEqual(try HostRange.expand("node[a:e:2].example.com"), ["nodea.example.com", "nodec.example.com", "nodee.example.com"])
        XCTAssertEqual(try HostRange.expand("[:2]x"), ["0x", "1x", "2x"])
        XCTAssertEqual(try HostRange.expand("r[1:2]c[a:b]"), ["r1ca", "r1cb", "r2ca", "r2cb"])
        XCTAssertEqual(try HostRange.expand("z[Y:Z]"), ["zY", "zZ"])
        XCTAssertEqual(try HostRange.expand("web[5:1]"), [])
        XCTAssertEqual(try HostRange.expand("web[00001:10000]").count, 10000)
    }

    func testErrors() {
        for (pattern, message) in [
            ("web[1]", "host range must be begin:end or begin:end:step"),
            ("web[1:]", "host range must specify end value"),
            ("web[01:100]", "host range must specify equal-length begin and end formats"),
            ("web[c:a]", "host range must have begin <= end"),
            ("web[1:x]", "invalid literal for int() with base 10: 'x'"),
            ("web[1:3:0]", "host range step must not be zero"),
        ] {
            XCTAssertThrowsError(try HostRange.expand(pattern), pattern) {
                XCTAssertEqual(($0 as? HostRange.RangeError)?.message, message, pattern)
            }
        }
        XCTAssertThrowsError(try HostRange.expand("web[1:3"))
    }

    func testAddresses() {
        XCTAssertEqual(HostAddress.parse("web1", allowRanges: false)?.host, "web1")
        XCTAssertEqual(HostAddress.parse("web1:2222", allowRanges: false)?.port, 2222)
        XCTAssertEqual(HostAddress.parse("web[01:03]:2222", allowRanges: true)?.host, "web[01:03]")
        XCTAssertEqual(HostAddress.parse("web[01:03]:2222", allowRanges: true)?.port, 2222)
        XCTAssertNil(HostAddress.parse("web[01:03]", allowRanges: false))
        XCTAssertEqual(HostAddress.parse("127.0.0.1:22", allowRanges: false)?.host, "127.0.0.1")
        XCTAssertEqual(HostAddress.parse("[::1]:22", allowRanges: false)?.host, "::1")
        XCTAssertEqual(HostAddress.parse("[::1]:22", allowRanges: false)?.port, 22)
        XCTAssertEqual(HostAddress.parse("fe80::1", allowRanges: false)?.port, nil)
        XCTAssertNotNil(HostAddress.parse("1:2:3:4:5:6:7:8", allowRanges: false))
        XCTAssertNotNil(HostAddress.parse("::ffff:127.0.0.1", allowRanges: false))
        XCTAssertNil(HostAddress.parse("1:2:3", allowRanges: false))
        XCTAssertNil(HostAddress.parse("web_", allowRanges: false))
        XCTAssertNil(HostAddress.parse("-web", allowRanges: false))
        XCTAssertNil(HostAddress.parse("web*", allowRanges: false))
        XCTAssertNil(HostAddress.parse("a..b", allowRanges: false))
        XCTAssertNotNil(HostAddress.parse("my-host_1.example.com", allowRanges: false))
    }
}
