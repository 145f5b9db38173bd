import Foundation
import XCTest
@testable import PlayBase
import PlayTestSupport

/// The caps on what input can make play hold or build: a child's output kept in memory, YAML
/// nesting and alias expansion.
final class InputBoundsTests: XCTestCase {
    func testOutputBufferKeepsHeadAndTailWithANotice() {
        var buffer = OutputBuffer(limit: 100)
        let input = Data((0..<10_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        // Odd chunk sizes: the cut must not depend on where chunks end.
        var offset = 0
        for size in [1, 7, 64, 333, 4096].cycled(until: input.count) {
            let end = min(input.count, offset + size)
            buffer.append(input[offset..<end])
            offset = end
            XCTAssertLessThanOrEqual(buffer.bytes.count, 150, "memory stays within one and a half limits")
            if offset == input.count { break }
        }
        let (data, dropped) = buffer.result()
        XCTAssertEqual(dropped, 9_900)
        let notice = Data(OutputBuffer.notice(omitted: 9_900, limit: 100).utf8)
        XCTAssertEqual(data, input.prefix(50) + notice + input.suffix(50))
        XCTAssertTrue(String(decoding: notice, as: UTF8.self).contains("9900 bytes of output omitted"))
    }

    func testOutputBufferUnderTheLimitIsUntouched() {
        var buffer = OutputBuffer(limit: 100)
        buffer.append(Data(repeating: 65, count: 100))
        XCTAssertEqual(buffer.result().data, Data(repeating: 65, count: 100))
        XCTAssertEqual(buffer.result().dropped, 0)
        // Cut at an end marker: only what comes before it counts.
        buffer.append(Data(repeating: 66, count: 30))
        XCTAssertEqual(buffer.result(upTo: 100).data, Data(repeating: 65, count: 100))
        XCTAssertEqual(buffer.result().dropped, 30)
    }

    func testSubprocessOutputIsCappedButTheChildRunsToTheEnd() async throws {
        // 3 MB of output with a 64 KiB limit: the start, the end, and the status all arrive.
        let printed = 3_000_008
        let script = "printf START; head -c 3000000 /dev/zero | tr '\\0' x; printf END; printf E >&2; exit 3"
        let output = try await Subprocess.run(["/bin/sh", "-c", script], outputLimit: 64 << 10)
        XCTAssertEqual(output.status, 3)
        XCTAssertEqual(output.stdoutOmitted, printed - (64 << 10))
        let text = String(decoding: output.stdout, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("STARTxxx"))
        XCTAssertTrue(text.hasSuffix("xxxEND"))
        XCTAssertTrue(text.contains("[play: \(printed - (64 << 10)) bytes of output omitted here"), String(text.prefix(200)))
        XCTAssertLessThan(output.stdout.count, (64 << 10) + 300)
        XCTAssertEqual(output.stderr, Data("E".utf8))
        XCTAssertEqual(output.stderrOmitted, 0)
    }

    // MARK: YAML

    /// Nine levels of ten aliases each: 10^9 values from a few hundred bytes.
    static let billionLaughs = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """

    func testBillionLaughsIsRefusedWithItsPosition() {
        XCTAssertThrowsError(try YAMLLoader().parseDocuments(Self.billionLaughs, file: "laughs.yml")) { error in
            let diagnostic = error as? Diagnostic
            XCTAssertEqual(diagnostic?.location?.file, "laughs.yml")
            XCTAssertEqual(diagnostic?.location?.line, 6, "the alias that passes a million values is on the f line")
            XCTAssertTrue(diagnostic?.message.contains("expand to more than 1000000 values") == true, "\(error)")
        }
    }

    func testOrdinaryAliasesAndMergeKeysStillLoad() throws {
        let text = """
            defaults: &defaults {port: 80, tags: [a, b]}
            web: {<<: *defaults, name: web}
            copies: [*defaults, *defaults]
            """
        let loader = YAMLLoader()
        let value = try loader.value(from: try XCTUnwrap(loader.parseDocuments(text, file: "ok.yml").first), file: "ok.yml")
        XCTAssertEqual(value["web"]?["port"], .int(80))
        XCTAssertEqual(value["copies"]?.listValue?.count, 2)
    }

    func testNestingDepthIsCappedForCollectionsAndAliases() throws {
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        XCTAssertThrowsError(try YAMLLoader().parseDocuments(deep, file: "deep.yml")) { error in
            XCTAssertTrue((error as? Diagnostic)?.message.contains("nests more than 200 levels deep") == true, "\(error)")
        }
        let block = (0..<500).map { String(repeating: "  ", count: $0) + "k:" }.joined(separator: "\n") + " 1"
        XCTAssertThrowsError(try YAMLLoader().parseDocuments(block, file: "deep.yml")) { error in
            XCTAssertEqual((error as? Diagnostic)?.location?.line, 201)
        }
        // libyaml stops flow collections itself at 1000 levels: a syntax error, not a crash.
        let deeper = String(repeating: "[", count: 100_000)
        XCTAssertThrowsError(try YAMLLoader().parseDocuments(deeper, file: "deep.yml"))
        // At the limit it loads, and converts on a quarter of the 8 MiB stack Swift's pool threads have.
        let limit = YAMLBudget.maxDepth
        let atLimit = String(repeating: "[", count: limit) + "1" + String(repeating: "]", count: limit)
        let converted = try StackLimitedThread.run {
            let loader = YAMLLoader()
            return try loader.value(from: try XCTUnwrap(loader.parseDocuments(atLimit, file: "ok.yml").first), file: "ok.yml")
        }
        var depth = 0
        var node = converted
        while let first = node.listValue?.first { depth += 1; node = first }
        XCTAssertEqual(depth, limit)
        // An alias counts with the depth of what it copies.
        let half = String(repeating: "[", count: 150) + "1" + String(repeating: "]", count: 150)
        let viaAlias = "a: &a \(half)\nb: " + String(repeating: "[", count: 60) + "*a" + String(repeating: "]", count: 60)
        XCTAssertThrowsError(try YAMLLoader().parseDocuments(viaAlias, file: "alias.yml")) { error in
            XCTAssertTrue((error as? Diagnostic)?.message.contains("this alias nests its data more than 200") == true, "\(error)")
        }
    }

}

private extension Array where Element == Int {
    /// The sizes repeated until they add up to at least `total`.
    func cycled(until total: Int) -> [Int] {
        var out: [Int] = []
        var sum = 0
        while sum < total { for s in self { out.append(s); sum += s } }
        return out
    }
}
