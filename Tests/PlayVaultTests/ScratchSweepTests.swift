import Foundation
@testable import PlayVault
import XCTest

/// A crashed `vault edit` leaves plaintext in its memory scratch directory; the next use of the
/// scratch space wipes such directories: only its own, only those whose process is gone.
final class ScratchSweepTests: XCTestCase {
    func testTheNextEditWipesOnlyItsOwnStaleScratchDirectories() throws {
        var template = Array("/dev/shm/play-sweep-test-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else { return XCTFail("mkdtemp") }
        let base = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { try? FileManager.default.removeItem(atPath: base) }
        let dead = try deadPid()
        let fm = FileManager.default
        func scratch(_ name: String) throws -> String {
            let path = "\(base)/\(name)"
            try fm.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try Data("password: s3cret\n".utf8).write(to: URL(fileURLWithPath: path + "/tmpABCDEFGH.yml"))
            return path
        }
        let stale = try scratch("play-vault-\(dead)-abc123")
        let live = try scratch("play-vault-\(getpid())-def456")
        let foreign = try scratch("play-vault-\(dead)-ghi789")
        XCTAssertEqual(chown(foreign, 65534, 65534), 0)
        let oldFormat = try scratch("play-vault-jkl012")
        let other = try scratch("not-play-\(dead)-mno345")
        let target = try scratch("link-target")
        try fm.createSymbolicLink(atPath: "\(base)/play-vault-\(dead)-pqr678", withDestinationPath: target)

        var used = ""
        try MemoryScratchDirectory.with(environment: ["XDG_RUNTIME_DIR": base]) { directory in
            used = directory.path
        }
        XCTAssertTrue(used.hasPrefix("\(base)/play-vault-\(getpid())-"), used)
        XCTAssertFalse(fm.fileExists(atPath: used))
        XCTAssertFalse(fm.fileExists(atPath: stale), "the stale scratch directory of a dead edit stays")
        for kept in [live, foreign, oldFormat, other, target] {
            XCTAssertTrue(fm.fileExists(atPath: kept + "/tmpABCDEFGH.yml"), kept)
        }
        XCTAssertNotNil(try? fm.destinationOfSymbolicLink(atPath: "\(base)/play-vault-\(dead)-pqr678"))
    }

    /// The pid of a process that has exited and been reaped.
    private func deadPid() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}
