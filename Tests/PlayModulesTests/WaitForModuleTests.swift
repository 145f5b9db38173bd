import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

final class WaitForModuleTests: XCTestCase {
    /// Native checks (local connection) and the shell script the target runs (through a
    /// connection that is not `LocalConnection`, still on this machine).
    static var harnesses: [(String, ModuleHarness)] {
        var remote = ModuleHarness()
        remote.connection = ForwardingConnection(base: LocalConnection())
        return [("native", ModuleHarness()), ("remote", remote)]
    }

    func testPortThatIsOpen() async throws {
        let server = try LoopbackServer { _ in }
        defer { server.stop() }
        for (kind, h) in Self.harnesses {
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
        for (kind, h) in Self.harnesses {
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
        for (kind, h) in Self.harnesses {
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
        for (kind, h) in Self.harnesses {
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
        for (kind, h) in Self.harnesses {
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
        XCTAssertEqual(h.argumentError(WaitForModule(), ["port": 1, "state": "gone"]),
                       "value of state must be one of: absent, drained, present, started, stopped, got: gone")
        let stoppedPath = try await h.run(WaitForModule(), ["path": "/x", "state": "stopped"])
        XCTAssertEqual(stoppedPath.message, "state=stopped should only be used for checking a port in the wait_for module")
        let badRegex = try await h.run(WaitForModule(), ["path": "/x", "search_regex": "("])
        XCTAssertTrue(badRegex.failed)
        let badPort = try await h.run(WaitForModule(), ["port": 70000])
        XCTAssertTrue(badPort.failed)
    }
}

/// `wait_for: state=drained`: no active connection to the port is left.
final class WaitForDrainedTests: XCTestCase {
    /// Recorded shape of /proc/net/tcp and tcp6 (a listener, two established peers on 8080, one
    /// of them from 10.0.0.9 and one IPv4-mapped in tcp6, a TIME_WAIT and a CLOSE_WAIT on 8080,
    /// and traffic on another port).
    static let tables = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
           1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1
           2: 0100007F:1F90 0900000A:D432 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1
           3: 0100007F:1F90 0100007F:D433 06 00000000:00000000 00:00000000 00000000     0        0 0 3 0
           4: 0100007F:1F90 0100007F:D434 08 00000000:00000000 00:00000000 00000000     0        0 4 1 0 20 4 30 10 -1
           5: 0100007F:0016 0100007F:D435 01 00000000:00000000 00:00000000 00000000     0        0 5 1 0 20 4 30 10 -1
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D436 01 00000000:00000000 00:00000000 00000000     0        0 6 1 0 20 4 30 10 -1
        """

    func testCountsActiveConnectionsOfThePortByAddressAndState() {
        let table = TCPConnectionTable(Self.tables)
        XCTAssertEqual(table.entries.count, 7)
        let loopback = Set(TCPConnectionTable.tableForms(of: "127.0.0.1"))
        XCTAssertEqual(loopback, ["0100007F", "0000000000000000FFFF00000100007F"])
        let active = TCPConnectionTable.defaultActiveStates
        // Two established, one TIME_WAIT, one IPv4-mapped established; LISTEN and CLOSE_WAIT do not count.
        XCTAssertEqual(table.activeCount(port: 8080, localAddresses: loopback, excludedRemotes: [], states: active), 4)
        XCTAssertEqual(table.activeCount(port: 8080, localAddresses: loopback,
                                         excludedRemotes: Set(TCPConnectionTable.tableForms(of: "10.0.0.9")), states: active), 3)
        XCTAssertEqual(table.activeCount(port: 8080, localAddresses: loopback, excludedRemotes: [], states: ["ESTABLISHED"]), 3)
        XCTAssertEqual(table.activeCount(port: 8080, localAddresses: Set(TCPConnectionTable.tableForms(of: "192.0.2.1")),
                                         excludedRemotes: [], states: active), 0)
        XCTAssertEqual(table.activeCount(port: 8080, localAddresses: Set(TCPConnectionTable.tableForms(of: "0.0.0.0")),
                                         excludedRemotes: [], states: active), 4)
        XCTAssertEqual(table.activeCount(port: 22, localAddresses: loopback, excludedRemotes: [], states: active), 1)
        XCTAssertEqual(TCPConnectionTable.tableForms(of: "::1"), ["00000000000000000000000001000000"])
        XCTAssertEqual(TCPConnectionTable.tableForms(of: "web.example"), [])
    }

    /// A held connection keeps the port from draining (a time-out with Ansible's message); once the
    /// peer hangs up it drains. Natively and through the target's shell script.
    func testWaitsUntilTheLastConnectionCloses() async throws {
        let server = try LoopbackServer { fd in
            var byte: UInt8 = 0
            while recv(fd, &byte, 1, 0) > 0 {}
        }
        defer { server.stop() }
        for (kind, h) in WaitForModuleTests.harnesses {
            let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(server.port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            XCTAssertEqual(connected, 0, kind)
            let held = try await h.run(WaitForModule(), ["port": .int(server.port), "state": "drained", "timeout": 1, "sleep": 0.2])
            XCTAssertTrue(held.failed, kind)
            XCTAssertEqual(held.message, "Timeout when waiting for 127.0.0.1:\(server.port) to drain", kind)
            let excluded = try await h.run(WaitForModule(), ["port": .int(server.port), "state": "drained", "timeout": 1,
                                                             "exclude_hosts": .list(["127.0.0.1"])])
            XCTAssertFalse(excluded.failed, "\(kind): connections from excluded hosts do not count: \(excluded.message ?? "")")
            close(client)
            let drained = try await h.run(WaitForModule(), ["port": .int(server.port), "state": "drained", "timeout": 10, "sleep": 0.2])
            XCTAssertFalse(drained.failed, "\(kind): \(drained.message ?? "")")
            XCTAssertEqual(drained["state"], "drained", kind)
            XCTAssertEqual(drained["port"], .int(server.port), kind)
        }
    }

    func testDrainedNeedsAPort() async throws {
        let r = try await ModuleHarness().run(WaitForModule(), ["path": "/tmp", "state": "drained"])
        XCTAssertEqual(r.message, "state=drained should only be used for checking a port in the wait_for module")
    }
}
