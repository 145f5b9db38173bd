import Foundation
import XCTest
@testable import PlayBase

/// A child's output is read in small chunks until one fills the buffer, then in large ones
/// (`Pump.smallRead`, `Pump.largeRead`): every byte arrives, in order, on both streams, whatever
/// side of those sizes the output falls on.
final class SubprocessReadSizeTests: XCTestCase {
    /// `n` bytes cycling through the alphabet, so a lost or repeated chunk shows.
    private static func pattern(_ n: Int) -> Data {
        Data((0..<n).map { UInt8(97 + $0 % 26) })
    }

    private static func script(_ n: Int, to stream: String) -> String {
        "awk 'BEGIN { for (i = 0; i < \(n); i++) printf \"%c\", 97 + i % 26 }' \(stream)"
    }

    func testOutputAroundTheReadSizesArrivesWhole() async throws {
        let sizes = [0, 1, Pump.smallRead - 1, Pump.smallRead, Pump.smallRead + 1, Pump.largeRead + 7, 300_001]
        for n in sizes {
            let output = try await Subprocess.run(["/bin/sh", "-c", Self.script(n, to: "")])
            XCTAssertEqual(output.status, 0)
            XCTAssertEqual(output.stdout.count, n, "stdout of \(n) bytes")
            XCTAssertEqual(output.stdout, Self.pattern(n), "stdout of \(n) bytes")
            XCTAssertEqual(output.stderr, Data())
        }
    }

    func testBothStreamsAtOnceKeepTheirOwnBytes() async throws {
        // stderr fills the small buffer first; stdout, read with the grown one, must not mix in.
        let script = Self.script(Pump.smallRead * 3, to: ">&2") + "; " + Self.script(Pump.largeRead * 2 + 5, to: "")
        let output = try await Subprocess.run(["/bin/sh", "-c", script])
        XCTAssertEqual(output.stderr, Self.pattern(Pump.smallRead * 3))
        XCTAssertEqual(output.stdout, Self.pattern(Pump.largeRead * 2 + 5))
    }
}
