import Foundation
import PlayBase
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The creation order itself (no chmod or rename after the file appears) is checked with
/// inotify where it matters, in `ExternalModuleTests`.
final class PrivateFileTests: XCTestCase {
    func testTheFileHoldsTheBytesAndOnlyItsOwnerMayReadIt() throws {
        let directory = NSTemporaryDirectory().hasSuffix("/") ? String(NSTemporaryDirectory().dropLast()) : NSTemporaryDirectory()
        let secret = Data("{\"password\": \"s3cret\"}".utf8)
        let path = try PrivateFile.create(secret, in: directory, prefix: "play-private-test-")
        defer { unlink(path) }
        XCTAssertTrue(path.hasPrefix(directory + "/play-private-test-"))
        XCTAssertEqual(FileManager.default.contents(atPath: path), secret)
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o7777, 0o600)
    }

    func testAMissingDirectoryIsAFailureThatSaysWhere() {
        XCTAssertThrowsError(try PrivateFile.create(Data(), in: "/nonexistent/dir", prefix: "x-")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/dir"))
        }
    }
}
