import XCTest
@testable import PlayConnection
import PlayTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Masters, parallel hosts, unreachable hosts and host keys, against ten real sshd servers.
final class ConnectionPoolTests: FleetTestCase {
    override class var hostCount: Int { 10 }

    func testTenHostsInParallelUseOneMasterEach() async throws {
        let fleet = try fleet()
        let pool = ConnectionPool()
        let homes = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            for k in 1...10 {
                group.addTask {
                    var seen: [String] = []
                    for i in 0..<10 {
                        // Every command asks the pool again, as an executor does per task.
                        let connection = try await pool.connection(for: fleet.hostName(k), settings: fleet.settings(k))
                        seen.append(try await connection.run("echo \(i) \"$HOME\"").stdoutText)
                    }
                    return (k, seen)
                }
            }
            var all: [Int: [String]] = [:]
            for try await (k, seen) in group { all[k] = seen }
            return all
        }
        for k in 1...10 {
            XCTAssertEqual(homes[k], (0..<10).map { "\($0) \(fleet.home(k))\n" })
        }
        let maybeDirectory = await pool.controlDirectory()
        let directory = try XCTUnwrap(maybeDirectory)
        XCTAssertEqual(ProcessTable.masters(in: directory).count, 10)
        XCTAssertEqual(try permissionsOf(directory), 0o700)
        XCTAssertLessThan(directory.utf8.count + 4, 104)
        await pool.closeAll()
        try await assertNoSSH(in: directory)
    }

    func testConcurrentRequestsForOneHostOpenOneMaster() async throws {
        let fleet = try fleet()
        try await withConnectionPool { pool in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask { _ = try await pool.connection(for: "h1", settings: fleet.settings(1)) }
                }
                try await group.waitForAll()
            }
            let maybeDirectory = await pool.controlDirectory()
            let directory = try XCTUnwrap(maybeDirectory)
            XCTAssertEqual(ProcessTable.masters(in: directory).count, 1)
            // Different transport settings for the same host get their own master.
            var other = fleet.settings(1)
            other.sshExtraArgs = "-o ServerAliveInterval=30"
            _ = try await pool.connection(for: "h1", settings: other)
            XCTAssertEqual(ProcessTable.masters(in: directory).count, 2)
        }
    }

    func testMastersAreClosedHoweverTheBodyExits() async throws {
        let fleet = try fleet()
        var directory = ""
        struct Boom: Error {}
        do {
            try await withConnectionPool { pool in
                for k in 1...3 { _ = try await pool.connection(for: fleet.hostName(k), settings: fleet.settings(k)) }
                let maybeDirectory = await pool.controlDirectory()
                directory = try XCTUnwrap(maybeDirectory)
                XCTAssertEqual(ProcessTable.masters(in: directory).count, 3)
                throw Boom()
            }
            XCTFail("the error was swallowed")
        } catch is Boom {}
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory))
        try await assertNoSSH(in: directory)

        let value = try await withConnectionPool { pool in
            let c = try await pool.connection(for: "h2", settings: fleet.settings(2))
            let maybeDirectory = await pool.controlDirectory()
            directory = try XCTUnwrap(maybeDirectory)
            return try await c.run("echo 42").stdoutText
        }
        XCTAssertEqual(value, "42\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory))
        try await assertNoSSH(in: directory)
    }

    func testCloseAllCompletesEvenWhenTheCallerIsCancelled() async throws {
        let fleet = try fleet()
        let pool = ConnectionPool()
        _ = try await pool.connection(for: "h3", settings: fleet.settings(3))
        let maybeDirectory = await pool.controlDirectory()
        let directory = try XCTUnwrap(maybeDirectory)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await pool.closeAll()
        }
        await task.value
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory))
        try await assertNoSSH(in: directory)
        do throws(ConnectionError) {
            _ = try await pool.connection(for: "h3", settings: fleet.settings(3))
            XCTFail("connected after closeAll")
        } catch {
            XCTAssertTrue(error.isUnreachable)
        }
    }

    func testAMasterThatWentAwayIsReopened() async throws {
        let fleet = try fleet()
        try await withConnectionPool { pool in
            let connection = try await pool.connection(for: "h4", settings: fleet.settings(4))
            let maybeDirectory = await pool.controlDirectory()
            let directory = try XCTUnwrap(maybeDirectory)
            let first = ProcessTable.masters(in: directory)
            XCTAssertEqual(first.count, 1)
            // As when ControlPersist expires during a long pause.
            SSHFleet.run(["ssh", "-o", "ControlPath=\(directory)/h0", "-O", "exit", "x"])
            for _ in 0..<100 where FileManager.default.fileExists(atPath: "\(directory)/h0") {
                try await Task.sleep(for: .milliseconds(10))
            }
            let r = try await connection.run("echo again")
            XCTAssertEqual(r.stdoutText, "again\n")
            let second = ProcessTable.masters(in: directory)
            XCTAssertEqual(second.count, 1)
            XCTAssertNotEqual(second, first)
        }
    }

    func testStoppedHostIsUnreachableQuicklyAndComesBack() async throws {
        let fleet = try fleet()
        try fleet.stopHost(9)
        do {
            let clock = ContinuousClock()
            let start = clock.now
            try await withConnectionPool { pool in
                do throws(ConnectionError) {
                    _ = try await pool.connection(for: "h9", settings: fleet.settings(9))
                    XCTFail("connected to a stopped host")
                } catch {
                    guard case .unreachable(let host, let message) = error else { return XCTFail("\(error)") }
                    XCTAssertEqual(host, "h9")
                    XCTAssertTrue(message.contains("Connection refused"), message)
                }
                // The other hosts are unaffected.
                let other = try await pool.connection(for: "h8", settings: fleet.settings(8))
                let ok = try await other.run("echo ok")
                XCTAssertEqual(ok.stdoutText, "ok\n")
            }
            XCTAssertLessThan(clock.now - start, .seconds(2))
        }
        try fleet.startHost(9)
        try await withConnectionPool { pool in
            let back = try await pool.connection(for: "h9", settings: fleet.settings(9))
            let r = try await back.run("echo back")
            XCTAssertEqual(r.stdoutText, "back\n")
        }
    }

    func testHostGoingDownDuringTheRunIsUnreachable() async throws {
        let fleet = try fleet()
        try await withConnectionPool { pool in
            let connection = try await pool.connection(for: "h10", settings: fleet.settings(10))
            let output = try await connection.run("echo up").stdoutText
            XCTAssertEqual(output, "up\n")
            try fleet.stopHost(10)
            defer { XCTAssertNoThrow(try fleet.startHost(10)) }
            do throws(ConnectionError) {
                let r = try await connection.run("echo still")
                XCTFail("ran on a stopped host: \(r)")
            } catch {
                XCTAssertTrue(error.isUnreachable, "\(error)")
            }
        }
    }

    func testHostGoingDownDuringACommandIsUnreachable() async throws {
        let fleet = try fleet()
        try await withConnectionPool { pool in
            let connection = try await pool.connection(for: "h10", settings: fleet.settings(10))
            async let stop: Void = {
                try await Task.sleep(for: .milliseconds(300))
                try fleet.stopHost(10)
            }()
            do throws(ConnectionError) {
                let r = try await connection.run("sleep 5; echo finished")
                XCTFail("the command survived its host: \(r)")
            } catch {
                XCTAssertTrue(error.isUnreachable, "\(error)")
            }
            try await stop
            try fleet.startHost(10)
        }
    }

    func testSilentServerTimesOutAsUnreachable() async throws {
        // Accepts TCP connections (the kernel completes them) but never says a word.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(0).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.2.250")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(bound, 0)
        XCTAssertEqual(listen(fd, 16), 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))

        var settings = ConnectionSettings(host: "127.0.2.250", port: port, user: "root", hostKeyChecking: false)
        settings.connectTimeout = .seconds(1)
        let clock = ContinuousClock()
        let start = clock.now
        try await withConnectionPool { pool in
            do throws(ConnectionError) {
                _ = try await pool.connection(for: "silent", settings: settings)
                XCTFail("connected to a silent server")
            } catch {
                guard case .unreachable(let host, let message) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(host, "silent")
                XCTAssertTrue(message.lowercased().contains("timed out"), message)
            }
        }
        XCTAssertLessThan(clock.now - start, .seconds(4))
    }

    func testWrongHostKeyIsRefusedWhenCheckingIsOnAndAcceptedWhenOff() async throws {
        let fleet = try fleet()
        let scratch = fleet.directory + "/wrong-key"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        XCTAssertEqual(SSHFleet.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", scratch + "/other"]).0, 0)
        let otherKey = try String(contentsOfFile: scratch + "/other.pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let wrongKnownHosts = scratch + "/known_hosts"
        try "[\(fleet.address(5))]:\(fleet.port) \(otherKey)\n".write(toFile: wrongKnownHosts, atomically: true, encoding: .utf8)
        var settings = fleet.settings(5)
        settings.sshCommonArgs = "-o UserKnownHostsFile=\(wrongKnownHosts)"

        try await withConnectionPool { pool in
            do throws(ConnectionError) {
                _ = try await pool.connection(for: "h5", settings: settings)
                XCTFail("accepted a wrong host key")
            } catch {
                guard case .hostKeyVerification(let host, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(host, "h5")
                XCTAssertTrue(error.isUnreachable)
            }
            // A host missing from known_hosts is refused as well.
            var unknown = fleet.settings(6)
            unknown.sshCommonArgs = "-o UserKnownHostsFile=\(wrongKnownHosts)"
            do throws(ConnectionError) {
                _ = try await pool.connection(for: "h6", settings: unknown)
                XCTFail("accepted an unknown host key")
            } catch {
                guard case .hostKeyVerification = error else { return XCTFail("\(error)") }
            }
            var off = settings
            off.hostKeyChecking = false
            let connection = try await pool.connection(for: "h5", settings: off)
            let r = try await connection.run("echo trusted anyway")
            XCTAssertEqual(r.stdoutText, "trusted anyway\n")
            XCTAssertEqual(r.stderrText, "")
        }
        // Checking off never writes the key anywhere.
        XCTAssertEqual(try String(contentsOfFile: wrongKnownHosts, encoding: .utf8).split(separator: "\n").count, 1)
    }

    func testWrongClientKeyIsAnAuthenticationError() async throws {
        let fleet = try fleet()
        let scratch = fleet.directory + "/wrong-client"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        XCTAssertEqual(SSHFleet.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", scratch + "/id"]).0, 0)
        var settings = fleet.settings(7)
        settings.privateKeyFile = scratch + "/id"
        settings.sshExtraArgs = "-o IdentitiesOnly=yes"
        try await withConnectionPool { pool in
            do throws(ConnectionError) {
                _ = try await pool.connection(for: "h7", settings: settings)
                XCTFail("logged in with a key the host does not know")
            } catch {
                guard case .authentication(let host, let message) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(host, "h7")
                XCTAssertTrue(message.contains("Permission denied"), message)
            }
        }
    }

    func testSettingsFromTheFleetInventoryVariablesConnect() async throws {
        let fleet = try fleet()
        let settings = ConnectionSettings.from(hostName: "h2", variables: [
            "ansible_host": .string(fleet.address(2)), "ansible_port": .int(fleet.port), "ansible_user": .string(fleet.user),
            "ansible_ssh_private_key_file": .string(fleet.privateKeyFile),
            "ansible_ssh_common_args": .string("-o UserKnownHostsFile=\(fleet.knownHostsFile)"),
        ], environment: [:])
        let inventory = try String(contentsOfFile: fleet.inventoryFile, encoding: .utf8)
        XCTAssertTrue(inventory.contains("h2 ansible_host=\(fleet.address(2)) ansible_port=2222 ansible_user=\(fleet.user) "
            + "ansible_ssh_private_key_file=\(fleet.privateKeyFile)"))
        XCTAssertTrue(inventory.contains("ansible_ssh_common_args='-o UserKnownHostsFile=\(fleet.knownHostsFile)'"))
        try await withConnectionPool { pool in
            let c = try await pool.connection(for: "h2", settings: settings)
            let output = try await c.run("echo ok").stdoutText
            XCTAssertEqual(output, "ok\n")
        }
    }

    func testLocalConnectionsComeFromThePoolToo() async throws {
        try await withConnectionPool { pool in
            let c = try await pool.connection(for: "localhost", settings: ConnectionSettings(kind: .local, host: "localhost"))
            XCTAssertTrue(c is LocalConnection)
            let output = try await c.run("echo local").stdoutText
            XCTAssertEqual(output, "local\n")
            let directory = await pool.controlDirectory
            XCTAssertNil(directory)
        }
    }

    // MARK: - helpers

    private func permissionsOf(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    private func assertNoSSH(in directory: String, file: StaticString = #filePath, line: UInt = #line) async throws {
        for _ in 0..<100 {
            if ProcessTable.sshProcesses(in: directory).isEmpty { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        XCTFail("ssh processes left: \(ProcessTable.sshProcesses(in: directory))", file: file, line: line)
    }
}

extension ConnectionPool {
    /// `controlDirectory`, callable inside autoclosures such as XCTUnwrap's.
    func controlDirectory() async -> String? { controlDirectory }
}
