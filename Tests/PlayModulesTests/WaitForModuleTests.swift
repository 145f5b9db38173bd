import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

final class WaitForModuleTests: XCTestCase {
    /// Native checks (local connection) and the shell script the target runs (through a
    /// connection that is not `LocalConnection`, still on this machine).
    var harnesses: [(String, ModuleHarness)] {
        var remote = ModuleHarness()
        remote.connection = ForwardingConnection(base: LocalConnection())
        return [("native", ModuleHarness()), ("remote", remote)]
    }

    func testPortThatIsOpen() async throws {
        let server = try LoopbackServer { _ in }
        defer { server.stop() }
        for (kind, h) in harnesses {
            let r = try await h.run(WaitForModule(), ["port": .int(server.port), "timeout": 5])
            XCTAssertFalse(r.failed, "\(kind): \(r.message ?? "")")
            XCTAssertFalse(r.changed)
            XCTAssertEqual(r["elapsed"], 0, kind)
            XCTAssertEqual(r["state"], "started")
            XCTAssertEqual(r["port"], .int(server.port))
            XCTAssertEqual(r["path"], .null)
            XCTAssertEqual(r["match_groups"], [])
        }
    }

    func testClosedPortTimesOutWithProgressAndStoppedSucceeds() async throws {
        let port = try LoopbackServer.closedPort()
        for (kind, h) in harnesses {
            let started = ContinuousClock.now
            let r = try await h.run(WaitForModule(), ["port": .int(port), "timeout": 1.2, "sleep": 0.2, "connect_timeout": 1])
            XCTAssertTrue(r.failed, kind)
            XCTAssertEqual(r.message, "Timeout when waiting for 127.0.0.1:\(port)", kind)
            XCTAssertEqual(r["elapsed"], 1, kind)
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(4), kind)
            XCTAssertTrue(h.progress.messages.contains { $0.hasPrefix("waiting for 127.0.0.1:\(port) to accept connections") },
                          "\(kind): \(h.progress.messages)")

            let stopped = try await h.run(WaitForModule(), ["port": .int(port), "state": "stopped", "timeout": 2])
            XCTAssertFalse(stopped.failed, kind)
            XCTAssertEqual(stopped["state"], "stopped")

            let custom = try await h.run(WaitForModule(), ["port": .int(port), "timeout": 0.3, "sleep": 0.1, "msg": "app never came up"])
            XCTAssertEqual(custom.message, "app never came up")
        }
    }

    func testPortOpeningLater() async throws {
        let port = try LoopbackServer.closedPort()
        for (kind, h) in harnesses {
            let opener = Task<LoopbackServer?, Never> {
                try? await Task.sleep(for: .milliseconds(600))
                return try? LoopbackServer(port: port) { _ in }
            }
            let r = try await h.run(WaitForModule(), ["port": .int(port), "timeout": 10, "sleep": 0.2])
            let server = await opener.value
            server?.stop()
            XCTAssertNotNil(server, "could not reopen port \(port)")
            XCTAssertFalse(r.failed, "\(kind): \(r.message ?? "")")
        }
    }

    func testBannerMatchesSearchRegex() async throws {
        let server = try LoopbackServer { client in
            LoopbackServer.sendAll(client, Data("SSH-2.0-OpenSSH_9.2\r\n".utf8))
        }
        defer { server.stop() }
        for (kind, h) in harnesses {
            let r = try await h.run(WaitForModule(), ["port": .int(server.port), "search_regex": #"OpenSSH_(\d+)\.(?P<minor>\d+)"#, "timeout": 5])
            XCTAssertFalse(r.failed, "\(kind): \(r.message ?? "")")
            XCTAssertEqual(r["match_groups"], ["9", "2"], kind)
            XCTAssertEqual(r["match_groupdict"], ["minor": "2"], kind)
            let miss = try await h.run(WaitForModule(), ["port": .int(server.port), "search_regex": "nginx", "timeout": 0.5, "sleep": 0.1, "connect_timeout": 0.5])
            XCTAssertEqual(miss.message, "Timeout when waiting for search string nginx in 127.0.0.1:\(server.port)", kind)
        }
    }

    func testPathStates() async throws {
        let dir = try TemporaryDirectory()
        for (kind, h) in harnesses {
            let path = dir.file("ready-\(kind)")
            let writer = Task {
                try? await Task.sleep(for: .milliseconds(400))
                try? "booting\nserver ready on port 8080\n".write(toFile: path, atomically: true, encoding: .utf8)
            }
            let r = try await h.run(WaitForModule(), ["path": .string(path), "search_regex": #"ready on port (\d+)"#, "timeout": 10, "sleep": 0.1])
            await writer.value
            XCTAssertFalse(r.failed, "\(kind): \(r.message ?? "")")
            XCTAssertEqual(r["match_groups"], ["8080"], kind)
            XCTAssertEqual(r["path"], .string(path))
            XCTAssertEqual(r["state"], "file", "\(kind): Ansible reports the path's own state")
            XCTAssertEqual(r["size"], 34, kind)

            let present = try await h.run(WaitForModule(), ["path": .string(path), "state": "present", "timeout": 1])
            XCTAssertFalse(present.failed, kind)

            let remover = Task {
                try? await Task.sleep(for: .milliseconds(300))
                try? FileManager.default.removeItem(atPath: path)
            }
            let absent = try await h.run(WaitForModule(), ["path": .string(path), "state": "absent", "timeout": 10, "sleep": 0.1])
            await remover.value
            XCTAssertFalse(absent.failed, "\(kind): \(absent.message ?? "")")

            let never = try await h.run(WaitForModule(), ["path": .string(dir.file("never")), "timeout": 0.3, "sleep": 0.1])
            XCTAssertEqual(never.message, "Timeout when waiting for file \(dir.file("never"))", kind)
        }
    }

    func testPortChecksFallBackToPythonWithoutBash() async throws {
        // A target without bash or nc: a PATH holding only the tools the script needs besides them.
        let bin = try TemporaryDirectory()
        for tool in ["python3", "sleep", "grep", "timeout", "stat", "cat"] {
            let which = Process()
            which.executableURL = URL(fileURLWithPath: "/bin/sh")
            // The interpreter itself, not a wrapper script (pyenv's shims need bash).
            which.arguments = ["-c", tool == "python3" ? "python3 -c 'import sys; print(sys.executable)'" : "command -v \(tool)"]
            let pipe = Pipe()
            which.standardOutput = pipe
            try which.run()
            which.waitUntilExit()
            let path = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try FileManager.default.createSymbolicLink(atPath: bin.file(tool), withDestinationPath: path)
        }
        let server = try LoopbackServer { client in
            LoopbackServer.sendAll(client, Data("220 ready\r\n".utf8))
        }
        defer { server.stop() }
        var h = ModuleHarness()
        h.connection = ForwardingConnection(base: LocalConnection())
        h.environment = ["PATH": bin.path]
        let open = try await h.run(WaitForModule(), ["port": .int(server.port), "timeout": 5])
        XCTAssertFalse(open.failed, open.message ?? "")
        let banner = try await h.run(WaitForModule(), ["port": .int(server.port), "search_regex": "^220 (\\w+)", "timeout": 5])
        XCTAssertEqual(banner["match_groups"], ["ready"], banner.message ?? "")
        let closed = try await h.run(WaitForModule(), ["port": .int(try LoopbackServer.closedPort()), "timeout": 0.3, "sleep": 0.1])
        XCTAssertTrue(closed.failed)

        h.environment = ["PATH": "/nonexistent"]
        let none = try await h.run(WaitForModule(), ["port": .int(server.port), "timeout": 1])
        XCTAssertEqual(none.message, "wait_for needs bash, nc or python3 on the target to check a port")
    }

    func testPlainDelayAndArgumentErrors() async throws {
        let h = ModuleHarness()
        let r = try await h.run(WaitForModule(), ["timeout": 0.3])
        XCTAssertFalse(r.failed)
        XCTAssertEqual(r["elapsed"], 0)
        XCTAssertEqual(h.argumentError(WaitForModule(), ["port": 1, "path": "/x"]), "parameters are mutually exclusive: port|path")
        XCTAssertEqual(h.argumentError(WaitForModule(), ["port": 1, "state": "drained"]),
                       "value of state must be one of: absent, present, started, stopped, got: drained")
        let stoppedPath = try await h.run(WaitForModule(), ["path": "/x", "state": "stopped"])
        XCTAssertEqual(stoppedPath.message, "state=stopped should only be used for checking a port in the wait_for module")
        let badRegex = try await h.run(WaitForModule(), ["path": "/x", "search_regex": "("])
        XCTAssertTrue(badRegex.failed)
        let badPort = try await h.run(WaitForModule(), ["port": 70000])
        XCTAssertTrue(badPort.failed)
    }
}
