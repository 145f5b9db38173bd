import XCTest
@testable import PlayConnection

final class LocalConnectionTests: XCTestCase {
    private let local = LocalConnection()
    private var scratch = ""

    override func setUpWithError() throws {
        scratch = NSTemporaryDirectory() + "play-local-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    func testRunCapturesOutputAndExitCode() async throws {
        let r = try await local.run("echo out; echo err >&2; exit 3")
        XCTAssertEqual(r.exitCode, 3)
        XCTAssertEqual(r.stdoutText, "out\n")
        XCTAssertEqual(r.stderrText, "err\n")
        XCTAssertGreaterThan(r.duration, .zero)
    }

    func testStdinEnvironmentAndWorkingDirectory() async throws {
        let request = CommandRequest(
            command: "pwd; cat; printf '%s|' \"$GREETING\" \"$EMPTY\"",
            stdin: Data("from stdin\n".utf8),
            environment: ["GREETING": "it's \"$HOME\" \n ok", "EMPTY": ""],
            workingDirectory: scratch)
        let r = try await local.run(request)
        XCTAssertEqual(r.exitCode, 0, r.stderrText)
        XCTAssertEqual(r.stdoutText, "\(URL(fileURLWithPath: scratch).resolvingSymlinksInPath().path)\nfrom stdin\nit's \"$HOME\" \n ok||")
    }

    func testMissingWorkingDirectoryFailsTheCommand() async throws {
        let r = try await local.run(CommandRequest(command: "echo ran", workingDirectory: scratch + "/nope"))
        XCTAssertEqual(r.exitCode, 1)
        XCTAssertEqual(r.stdoutText, "")
        XCTAssertTrue(r.stderrText.contains("nope"), r.stderrText)
    }

    func testTimeoutKillsTheWholeProcessGroup() async throws {
        let marker = scratch + "/child.pid"
        let clock = ContinuousClock()
        let start = clock.now
        do throws(ConnectionError) {
            _ = try await local.run(CommandRequest(command: "sleep 30 & echo $! > \(marker); wait", timeout: .milliseconds(300)))
            XCTFail("no timeout")
        } catch {
            XCTAssertEqual(error, .timedOut(host: "localhost", after: .milliseconds(300)))
        }
        XCTAssertLessThan(clock.now - start, .seconds(3))
        let pid = try XCTUnwrap(Int32(String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        try await assertEventuallyGone(pid)
    }

    func testSettingsCommandTimeoutApplies() async throws {
        var settings = ConnectionSettings(kind: .local, host: "localhost")
        settings.commandTimeout = .milliseconds(200)
        let connection = LocalConnection(hostName: "box", settings: settings)
        do throws(ConnectionError) {
            _ = try await connection.run("sleep 5")
            XCTFail("no timeout")
        } catch {
            XCTAssertEqual(error, .timedOut(host: "box", after: .milliseconds(200)))
        }
    }

    func testCancellationKillsTheCommand() async throws {
        let marker = scratch + "/cancel.pid"
        let local = self.local
        let task = Task { try await local.run("echo $$ > \(marker); exec sleep 30") }
        var pid: Int32?
        for _ in 0..<200 where pid == nil {
            try await Task.sleep(for: .milliseconds(10))
            pid = (try? String(contentsOfFile: marker, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("not cancelled")
        } catch {
            XCTAssertEqual(error as? ConnectionError, .cancelled(host: "localhost"))
        }
        try await assertEventuallyGone(try XCTUnwrap(pid))
    }

    func testLargeOutputAndInput() async throws {
        let r = try await local.run("head -c 10485760 /dev/zero | tr '\\0' 'x'")
        XCTAssertEqual(r.stdout.count, 10 * 1024 * 1024)
        XCTAssertTrue(r.stdout.allSatisfy { $0 == UInt8(ascii: "x") })
        let input = Data((0..<(3 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let echoed = try await local.run(CommandRequest(command: "cat", stdin: input))
        XCTAssertEqual(echoed.stdout, input)
    }

    func testCommandThatIgnoresStdinStillFinishes() async throws {
        let r = try await local.run(CommandRequest(command: "echo done", stdin: Data(count: 1024 * 1024)))
        XCTAssertEqual(r.stdoutText, "done\n")
    }

    func testPutAndFetchAreAtomicWithModes() async throws {
        let binary = Data((0...255).map(UInt8.init) + (0...255).reversed().map(UInt8.init))
        let path = scratch + "/sub file"
        try await local.put(binary, to: path, mode: 0o640)
        let fetched = try await local.fetch(path)
        XCTAssertEqual(fetched, binary)
        XCTAssertEqual(try permissions(path), 0o640)
        try await local.put(Data("v2".utf8), to: path, mode: 0o755)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "v2")
        XCTAssertEqual(try permissions(path), 0o755)
        try await local.put(Data(), to: scratch + "/empty")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: scratch + "/empty")), Data())
        // Nothing but the files themselves is left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch).sorted(), ["empty", "sub file"])
    }

    func testTransferErrorsNameThePath() async throws {
        do throws(ConnectionError) {
            try await local.put(Data("x".utf8), to: scratch + "/missing/dir/f")
            XCTFail("wrote into a missing directory")
        } catch {
            guard case .transfer(_, let path, let message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, scratch + "/missing/dir/f")
            XCTAssertTrue(message.contains("No such file"), message)
        }
        do throws(ConnectionError) {
            _ = try await local.fetch(scratch + "/absent")
            XCTFail("fetched a missing file")
        } catch {
            guard case .transfer(_, _, let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("No such file"), message)
        }
        do throws(ConnectionError) {
            try await local.put(Data("x".utf8), to: scratch)
            XCTFail("replaced a directory")
        } catch {
            guard case .transfer = error else { return XCTFail("\(error)") }
        }
    }

    func testBecomeRunsThroughSudo() async throws {
        let r = try await local.run(CommandRequest(command: "id -un; echo \"$HOME\"; printf %s \"$X\"", environment: ["X": "kept"],
                                                   become: true, becomeUser: "nobody"))
        XCTAssertEqual(r.exitCode, 0, r.stderrText)
        XCTAssertEqual(r.stdoutText, "nobody\n/nonexistent\nkept")
        XCTAssertEqual(r.stderrText, "")
        let path = scratch + "/root-owned"
        try await local.put(Data("secret".utf8), to: path, mode: 0o600, become: true, becomeUser: "root")
        XCTAssertEqual(try permissions(path), 0o600)
        let back = try await local.fetch(path, become: true, becomeUser: "root")
        XCTAssertEqual(back, Data("secret".utf8))
    }

    func testBecomeToAnUnknownUserFails() async throws {
        do throws(ConnectionError) {
            _ = try await local.run(CommandRequest(command: "true", become: true, becomeUser: "no-such-user-play"))
            XCTFail("became a user that does not exist")
        } catch {
            guard case .becomeFailed(let host, let message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "localhost")
            XCTAssertTrue(message.contains("unknown user"), message)
        }
    }

    private func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }
}

/// Waits up to 3 s for a process to disappear (a zombie counts as gone).
func assertEventuallyGone(_ pid: Int32, file: StaticString = #filePath, line: UInt = #line) async throws {
    for _ in 0..<300 {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        if status.isEmpty || status.contains(") Z ") { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    XCTFail("process \(pid) is still running", file: file, line: line)
}
