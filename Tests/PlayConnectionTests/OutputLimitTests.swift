import Foundation
import XCTest
import PlayBase
@testable import PlayConnection
import PlayTestSupport

/// A command's output is kept up to the request's limit on every path (local, the ssh shell
/// session, one ssh per command): its start and end, a notice between, the status intact.
final class OutputLimitTests: FleetTestCase {
    override class var hostCount: Int { 1 }

    /// 2 MB of `x` between START and END on stdout, a short stderr, exit 7.
    static let noisy = "printf START; head -c 2000000 /dev/zero | tr '\\0' x; printf END; printf warned >&2; exit 7"
    static let limit = 32 << 10
    static let printed = 2_000_008

    private func assertCapped(_ result: CommandResult, _ path: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.exitCode, 7, path, file: file, line: line)
        // The session's end marker may have pushed a few more bytes out of the kept tail.
        let omitted = result.stdoutOmitted
        XCTAssertTrue((Self.printed - Self.limit...Self.printed - Self.limit + 100).contains(omitted), "\(path): \(omitted)",
                      file: file, line: line)
        XCTAssertEqual(result.stderrText, "warned", path, file: file, line: line)
        let text = result.stdoutText
        XCTAssertTrue(text.hasPrefix("STARTxxxx") && text.hasSuffix("xxxxEND"), path, file: file, line: line)
        let notice = OutputBuffer.notice(omitted: omitted, limit: Self.limit)
        XCTAssertTrue(text.contains(notice), path, file: file, line: line)
        XCTAssertEqual(result.stdout.count - notice.utf8.count + omitted, Self.printed, "\(path): every byte kept or counted",
                       file: file, line: line)
    }

    func testLocalCommandOutputIsCapped() async throws {
        let result = try await LocalConnection().run(CommandRequest(command: Self.noisy, outputLimit: Self.limit))
        assertCapped(result, "local")
        let whole = try await LocalConnection().run(CommandRequest(command: Self.noisy))
        XCTAssertEqual(whole.stdout.count, Self.printed, "the default limit (64 MiB) keeps this whole")
        XCTAssertEqual(whole.stdoutOmitted, 0)
    }

    func testSSHCommandOutputIsCappedInTheSessionAndPerCommand() async throws {
        let fleet = try fleet()
        for persistent in [true, false] {
            var settings = fleet.settings(1)
            settings.persistentShell = persistent
            try await withConnectionPool { pool in
                let opened = try await pool.connection(for: fleet.hostName(1), settings: settings)
                let connection = try XCTUnwrap(opened as? SSHConnection)
                let result = try await connection.run(CommandRequest(command: Self.noisy, outputLimit: Self.limit))
                assertCapped(result, persistent ? "shell session" : "one ssh per command")
                XCTAssertEqual(connection.session?.commandsSent ?? 0, persistent ? 1 : 0)
                // The session is still in step: the next command's output is exactly its own.
                let next = try await connection.run(CommandRequest(command: "echo next"))
                XCTAssertEqual(next.stdoutText, "next\n")
            }
        }
    }

    func testAFetchTooLargeForMemoryIsAnErrorNotACutFile() throws {
        let cut = CommandResult(exitCode: 0, stdout: Data("head…tail".utf8), stderr: Data(), duration: .zero,
                                stdoutOmitted: 12)
        XCTAssertThrowsError(try FileTransferScript.fetched(cut, path: "/var/log/big", host: "web1")) { error in
            guard case .transfer(let host, let path, let message) = error as? ConnectionError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(host, "web1")
            XCTAssertEqual(path, "/var/log/big")
            XCTAssertTrue(message.contains("larger than the 1 GiB play fetches into memory"), message)
        }
        let whole = CommandResult(exitCode: 0, stdout: Data("all".utf8), stderr: Data(), duration: .zero)
        XCTAssertEqual(try FileTransferScript.fetched(whole, path: "/f", host: "h"), Data("all".utf8))
        XCTAssertEqual(FileTransferScript.fetch(path: "/f", become: false, becomeUser: nil).outputLimit, 1 << 30)
    }
}
