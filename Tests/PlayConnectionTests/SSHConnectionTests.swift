import XCTest
import PlayBase
@testable import PlayConnection
import PlayTestSupport

/// Commands and files over real sshd, through a pool's master.
final class SSHConnectionTests: FleetTestCase {
    override class var hostCount: Int { 2 }

    private func withHost(_ k: Int = 1, _ body: (any Connection, SSHFleet) async throws -> Void) async throws {
        let fleet = try fleet()
        try await withConnectionPool { pool in
            let connection = try await pool.connection(for: fleet.hostName(k), settings: fleet.settings(k))
            try await body(connection, fleet)
        }
    }

    func testRunCapturesOutputExitCodeAndRunsInTheHostsHome() async throws {
        try await withHost { connection, fleet in
            XCTAssertTrue(connection is SSHConnection)
            let r = try await connection.run("echo out; echo err >&2; pwd; echo \"$HOME\"; exit 3")
            XCTAssertEqual(r.exitCode, 3)
            XCTAssertEqual(r.stdoutText, "out\n\(fleet.home(1))\n\(fleet.home(1))\n")
            XCTAssertEqual(r.stderrText, "err\n")
        }
    }

    func testStdinEnvironmentAndWorkingDirectory() async throws {
        try await withHost { connection, _ in
            let request = CommandRequest(
                command: "pwd; cat; printf '%s|' \"$GREETING\" \"$EMPTY\"",
                stdin: Data("line 1\nline 2\n".utf8),
                environment: ["GREETING": "it's \"$HOME\" `id` \n ok", "EMPTY": ""],
                workingDirectory: "/tmp")
            let r = try await connection.run(request)
            XCTAssertEqual(r.exitCode, 0, r.stderrText)
            XCTAssertEqual(r.stdoutText, "/tmp\nline 1\nline 2\nit's \"$HOME\" `id` \n ok||")
            XCTAssertEqual(r.stderrText, "")
            let tilde = try await connection.run(CommandRequest(command: "pwd", workingDirectory: "~"))
            XCTAssertEqual(tilde.stdoutText.hasSuffix("/h1/home\n"), true, tilde.stdoutText)
        }
    }

    func testACommandsOwnExit255IsAResultNotUnreachable() async throws {
        try await withHost { connection, _ in
            let r = try await connection.run("echo before >&2; exit 255")
            XCTAssertEqual(r.exitCode, 255)
            XCTAssertEqual(r.stderrText, "before\n")
            let nested = try await connection.run("sh -c 'exit 255'")
            XCTAssertEqual(nested.exitCode, 255)
            XCTAssertEqual(nested.stderrText, "")
        }
    }

    func testRemoteShellKilledBySignalIsAResultNotUnreachable() async throws {
        try await withHost { connection, _ in
            // Kills the session's shell (the fleet's ForceCommand bash) from inside the command.
            let r = try await connection.run("echo partial; kill -9 $PPID; sleep 5")
            XCTAssertEqual(r.exitCode, 255)
            XCTAssertEqual(r.stdoutText, "partial\n")
            XCTAssertTrue(r.stderrText.contains("killed by a signal"), r.stderrText)
            let after = try await connection.run("echo alive")
            XCTAssertEqual(after.stdoutText, "alive\n")
        }
    }

    func testTimeoutKillsTheCommand() async throws {
        try await withHost { connection, _ in
            let clock = ContinuousClock()
            let start = clock.now
            do throws(ConnectionError) {
                _ = try await connection.run(CommandRequest(command: "sleep 20", timeout: .milliseconds(400)))
                XCTFail("no timeout")
            } catch {
                XCTAssertEqual(error, .timedOut(host: "h1", after: .milliseconds(400)))
            }
            XCTAssertLessThan(clock.now - start, .seconds(3))
            // The master survives a killed command.
            let after = try await connection.run("echo alive")
            XCTAssertEqual(after.stdoutText, "alive\n")
        }
    }

    func testATimedOutCommandIsKilledOnTheHostWithItsChildren() async throws {
        // Through the persistent shell, and as one ssh per command (input over the inline limit).
        for (seconds, stdin) in [(611, Data?.none), (612, Data(count: SSHShellSession.maxInlineInput + 1))] {
            try await withHost { connection, _ in
                do throws(ConnectionError) {
                    _ = try await connection.run(CommandRequest(command: "cat >/dev/null; sleep \(seconds) & sleep \(seconds); wait",
                                                                stdin: stdin, timeout: .milliseconds(500)))
                    XCTFail("no timeout")
                } catch {
                    XCTAssertEqual(error, .timedOut(host: "h1", after: .milliseconds(500)))
                }
                // The kill runs before the error is thrown; the host's process table says so.
                let left = ProcessTable.commandLines(named: "sleep").filter { $0.commandLine == "sleep \(seconds)" }
                XCTAssertEqual(left.map(\.pid), [], "sleep \(seconds) still runs on the host")
                left.forEach { kill($0.pid, SIGKILL) }
            }
        }
    }

    func testTenMegabytesOfOutputAndInput() async throws {
        try await withHost { connection, _ in
            let r = try await connection.run("head -c 10485760 /dev/zero | tr '\\0' 'y'")
            XCTAssertEqual(r.exitCode, 0)
            XCTAssertEqual(r.stdout.count, 10 * 1024 * 1024)
            XCTAssertTrue(r.stdout.allSatisfy { $0 == UInt8(ascii: "y") })
            let input = Data((0..<(10 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 13) })
            let counted = try await connection.run(CommandRequest(command: "cksum", stdin: input))
            let local = try await LocalConnection().run(CommandRequest(command: "cksum", stdin: input))
            XCTAssertEqual(counted.stdoutText, local.stdoutText)
        }
    }

    func testPutAndFetchBinaryFilesWithModes() async throws {
        try await withHost { connection, fleet in
            let binary = Data((0..<(1024 * 1024 + 17)).map { UInt8(truncatingIfNeeded: $0 ^ ($0 >> 8)) })
            let dir = fleet.home(1) + "/put test 'quoted'"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let path = dir + "/blob.bin"
            try await connection.put(binary, to: path, mode: 0o600)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), binary)
            XCTAssertEqual(try permissions(path), 0o600)
            let fetched = try await connection.fetch(path)
            XCTAssertEqual(fetched, binary)

            try await connection.put(Data("#!/bin/sh\necho hi\n".utf8), to: path, mode: 0o755)
            XCTAssertEqual(try permissions(path), 0o755)
            let ran = try await connection.run(CommandRequest(command: ShellWords.quote(path)))
            XCTAssertEqual(ran.stdoutText, "hi\n")

            // No mode: the remote umask decides for a new file; `~/` is the remote home.
            try await connection.put(Data(), to: "~/empty")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: fleet.home(1) + "/empty")), Data())
            XCTAssertEqual(try permissions(fleet.home(1) + "/empty"), 0o644)
            let big = Data(repeating: 0xA5, count: 10 * 1024 * 1024)
            try await connection.put(big, to: "~/big")
            let bigBack = try await connection.fetch("~/big")
            XCTAssertEqual(bigBack, big)
            // No temporary files are left beside the targets.
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["blob.bin"])
        }
    }

    func testTransferErrorsNameThePathAndTheReason() async throws {
        try await withHost { connection, fleet in
            do throws(ConnectionError) {
                try await connection.put(Data("x".utf8), to: "/nonexistent-dir/f")
                XCTFail("wrote into a missing directory")
            } catch {
                guard case .transfer(let host, let path, let message) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(host, "h1")
                XCTAssertEqual(path, "/nonexistent-dir/f")
                XCTAssertTrue(message.contains("No such file or directory") || message.contains("nonexistent"), message)
            }
            do throws(ConnectionError) {
                _ = try await connection.fetch("/nonexistent-file")
                XCTFail("fetched a missing file")
            } catch {
                guard case .transfer(_, _, let message) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains("No such file"), message)
            }
            do throws(ConnectionError) {
                try await connection.put(Data("x".utf8), to: fleet.home(1))
                XCTFail("replaced a directory")
            } catch {
                guard case .transfer(_, _, let message) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains("is a directory"), message)
            }
        }
    }

    func testBecomeThroughSudo() async throws {
        try await withHost { connection, fleet in
            let r = try await connection.run(CommandRequest(
                command: "id -un; echo \"$HOME\"; printf %s \"$X\"", environment: ["X": "a 'b'"], workingDirectory: "/tmp",
                become: true, becomeUser: "nobody"))
            XCTAssertEqual(r.exitCode, 0, r.stderrText)
            XCTAssertEqual(r.stdoutText, "nobody\n/nonexistent\na 'b'")
            XCTAssertEqual(r.stderrText, "")
            let root = try await connection.run(CommandRequest(command: "id -u; exit 4", become: true))
            XCTAssertEqual(root.exitCode, 4)
            XCTAssertEqual(root.stdoutText, "0\n")

            let path = fleet.home(1) + "/by-root"
            try await connection.put(Data("s".utf8), to: path, mode: 0o640, become: true, becomeUser: "root")
            XCTAssertEqual(try permissions(path), 0o640)
            let back = try await connection.fetch(path, become: true, becomeUser: "root")
            XCTAssertEqual(back, Data("s".utf8))
            do throws(ConnectionError) {
                _ = try await connection.fetch(path, become: true, becomeUser: "nobody")
                XCTFail("nobody read a root-only file")
            } catch {
                guard case .transfer(_, _, let message) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains("Permission denied"), message)
            }
        }
    }

    func testBecomeFailureIsNotACommandResult() async throws {
        try await withHost { connection, _ in
            do throws(ConnectionError) {
                _ = try await connection.run(CommandRequest(command: "true", become: true, becomeUser: "no-such-user-play"))
                XCTFail("became a user that does not exist")
            } catch {
                guard case .becomeFailed(let host, let message) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(host, "h1")
                XCTAssertTrue(message.contains("unknown user"), message)
            }
        }
    }

    func testRemoteCommandsDoNotReadRootsRealBashrc() async throws {
        try await withHost { connection, _ in
            let r = try await connection.run("echo \"${PYENV_ROOT:-none}\"")
            XCTAssertEqual(r.stdoutText, "none\n")
        }
    }

    private func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }
}
