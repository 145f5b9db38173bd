import XCTest
import PlayBase
@testable import PlayConnection
import PlayTestSupport

/// The long-lived shell per host: commands share nothing, output is exactly theirs, and
/// anything unusual falls back to one ssh per command.
final class SSHShellSessionTests: FleetTestCase {
    override class var hostCount: Int { 1 }

    private func withHost(persistent: Bool = true, _ body: (SSHConnection, SSHFleet) async throws -> Void) async throws {
        let fleet = try fleet()
        var settings = fleet.settings(1)
        settings.persistentShell = persistent
        try await withConnectionPool { pool in
            let connection = try await pool.connection(for: fleet.hostName(1), settings: settings)
            try await body(try XCTUnwrap(connection as? SSHConnection), fleet)
        }
    }

    func testPrintfFormatReproducesEveryByte() async throws {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for data in [Data(0...255), Data(random), Data("100% 'quoted' \\n \\0101 %s\n".utf8), Data()] {
            let script = "printf '\(SSHShellSession.printfFormat(data))'"
            let r = try await LocalConnection().run(CommandRequest(command: script))
            XCTAssertEqual(r.exitCode, 0, r.stderrText)
            XCTAssertEqual(r.stdout, data)
        }
    }

    func testMarkersNeedTheirEndAndTheRightSequence() {
        let markers = SSHShellSession.Markers(token: "abc", sequence: 7)
        XCTAssertNil(markers.stdoutEnd(Data("out\u{1E}play:end:abc:7:1".utf8)))
        XCTAssertNil(markers.stdoutEnd(Data("out\u{1E}play:end:abc:6:0\u{1E}".utf8)))
        let end = markers.stdoutEnd(Data("out\u{1E}play:end:abc:7:12\u{1E}".utf8))
        XCTAssertEqual(end?.end, 3)
        XCTAssertEqual(end?.status, 12)
        XCTAssertEqual(markers.stderrEnd(Data("err\u{1E}play:end:abc:7\u{1E}".utf8)), 3)
        XCTAssertNil(markers.stderrEnd(Data("err\u{1E}play:end:abc:7".utf8)))
    }

    func testCommandsGoThroughTheSessionAndShareNothing() async throws {
        try await withHost { connection, fleet in
            let session = try XCTUnwrap(connection.session)
            let first = try await connection.run("cd /tmp; export LEFT=over; umask 077; echo first; echo warn >&2; exit 4")
            XCTAssertEqual(first.exitCode, 4)
            XCTAssertEqual(first.stdoutText, "first\n")
            XCTAssertEqual(first.stderrText, "warn\n")
            let second = try await connection.run("pwd; echo \"${LEFT:-unset}\"; umask")
            XCTAssertEqual(second.stdoutText, "\(fleet.home(1))\nunset\n0022\n")
            XCTAssertEqual(session.commandsSent, 2)
        }
    }

    func testInputTravelsInlineOrBySSHWhenLarge() async throws {
        try await withHost { connection, _ in
            let session = try XCTUnwrap(connection.session)
            let small = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) })
            let echoed = try await connection.run(CommandRequest(command: "cat", stdin: small))
            XCTAssertEqual(echoed.stdout, small)
            XCTAssertEqual(session.commandsSent, 1)
            let large = Data(repeating: 0x5A, count: SSHShellSession.maxInlineInput + 1)
            let counted = try await connection.run(CommandRequest(command: "wc -c", stdin: large))
            XCTAssertEqual(counted.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), "\(large.count)")
            XCTAssertEqual(session.commandsSent, 1, "large input goes by its own ssh")
            let empty = try await connection.run(CommandRequest(command: "wc -c", stdin: Data()))
            XCTAssertEqual(empty.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), "0")
        }
    }

    func testBackgroundOutputAfterTheMarkersIsNotTheNextCommands() async throws {
        try await withHost { connection, _ in
            let started = try await connection.run("(sleep 0.3; echo late; echo late >&2) & echo now")
            XCTAssertEqual(started.stdoutText, "now\n")
            try await Task.sleep(for: .milliseconds(800))
            let next = try await connection.run("echo next")
            XCTAssertEqual(next.stdoutText, "next\n")
            XCTAssertEqual(next.stderrText, "")
        }
    }

    func testTimeoutAndCancellationRetireTheSession() async throws {
        try await withHost { connection, _ in
            let session = try XCTUnwrap(connection.session)
            do throws(ConnectionError) {
                _ = try await connection.run(CommandRequest(command: "sleep 20", timeout: .milliseconds(300)))
                XCTFail("no timeout")
            } catch {
                XCTAssertEqual(error, .timedOut(host: "h1", after: .milliseconds(300)))
            }
            let waiting = Task { try await connection.run("sleep 20; echo never") }
            try await Task.sleep(for: .milliseconds(300))
            waiting.cancel()
            do {
                _ = try await waiting.value
                XCTFail("not cancelled")
            } catch let error as ConnectionError {
                XCTAssertEqual(error, .cancelled(host: "h1"))
            }
            let after = try await connection.run("echo alive")
            XCTAssertEqual(after.stdoutText, "alive\n")
            XCTAssertEqual(session.commandsSent, 3)
        }
    }

    func testConcurrentCommandsOnOneHostAllAnswer() async throws {
        try await withHost { connection, _ in
            let outputs = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for k in 0..<6 {
                    group.addTask { (k, try await connection.run("sleep 0.1; echo \(k)").stdoutText) }
                }
                var all: [Int: String] = [:]
                for try await (k, text) in group { all[k] = text }
                return all
            }
            XCTAssertEqual(outputs, Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, "\($0)\n") }))
        }
    }

    func testTurnedOffBySetting() async throws {
        try await withHost(persistent: false) { connection, _ in
            XCTAssertNil(connection.session)
            let r = try await connection.run("echo plain")
            XCTAssertEqual(r.stdoutText, "plain\n")
        }
        let settings = ConnectionSettings.from(hostName: "h", variables: ["play_ssh_persistent_shell": .string("no")], environment: [:])
        XCTAssertFalse(settings.persistentShell)
        XCTAssertFalse(ConnectionSettings.from(hostName: "h", variables: [:], environment: ["PLAY_SSH_PERSISTENT_SHELL": "false"]).persistentShell)
        XCTAssertTrue(ConnectionSettings.from(hostName: "h", variables: [:], environment: [:]).persistentShell)
    }
}
