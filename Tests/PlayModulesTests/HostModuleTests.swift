import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// ping, raw, slurp, tempfile and wait_for_connection through the local connection (and, for
/// wait_for_connection, a connection that fails on purpose). Result keys and messages are
/// ansible-core 2.19's.
final class HostModuleTests: XCTestCase {
    let harness = ModuleHarness()

    func testPing() async throws {
        let r = try await harness.run(PingModule(), [:])
        XCTAssertEqual(r.values, ["changed": false, "ping": "pong"])
        let data = try await harness.run(PingModule(), ["data": "hello"])
        XCTAssertEqual(data["ping"], "hello")
        let crash = try await harness.run(PingModule(), ["data": "crash"])
        XCTAssertTrue(crash.failed)
        XCTAssertEqual(crash.message, "boom")
    }

    func testRawRunsTheTextAsItIs() async throws {
        let r = try await harness.run(RawModule(), ["_raw_params": "echo hi; echo err >&2; printf 'a\\r\\nb'"])
        XCTAssertFalse(r.failed)
        XCTAssertEqual(r.values, ["changed": true, "rc": 0, "stdout": "hi\na\r\nb", "stdout_lines": ["hi", "a", "b"],
                                  "stderr": "err\n", "stderr_lines": ["err"]])
        let failing = try await harness.run(RawModule(), ["_raw_params": "echo out; exit 3"])
        XCTAssertTrue(failing.failed)
        XCTAssertTrue(failing.changed)
        XCTAssertEqual(failing.message, "non-zero return code")
        XCTAssertEqual(failing["rc"], 3)
        XCTAssertEqual(failing["stdout_lines"], ["out"])
        let bash = try await harness.run(RawModule(), ["_raw_params": "echo $0", "executable": "/bin/bash"])
        XCTAssertEqual(bash["stdout"], "/bin/bash\n")
        var check = harness
        check.checkMode = true
        let dir = try TemporaryDirectory()
        let skipped = try await check.run(RawModule(), ["_raw_params": .string("touch \(dir.file("x"))")])
        XCTAssertEqual(skipped.values, ["changed": false, "skipped": true])
        XCTAssertFalse(dir.exists("x"))
    }

    func testSlurp() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("a.txt", "hello\n")
        let r = try await harness.run(SlurpModule(), ["src": .string(path)])
        XCTAssertEqual(r.values, ["changed": false, "content": "aGVsbG8K", "encoding": "base64", "source": .string(path)])
        var bytes = Data([0, 1, 2, 255, 0])
        bytes.append(Data("tail".utf8))
        try bytes.write(to: URL(fileURLWithPath: dir.file("bin")))
        let binary = try await harness.run(SlurpModule(), ["path": .string(dir.file("bin"))])
        XCTAssertEqual(binary["content"], .string(bytes.base64EncodedString()))
        let empty = try await harness.run(SlurpModule(), ["src": .string(try dir.write("empty", ""))])
        XCTAssertEqual(empty["content"], "")
        let missing = try await harness.run(SlurpModule(), ["src": .string(dir.file("nope"))])
        XCTAssertEqual(missing.message, "File not found: \(dir.file("nope"))")
        let directory = try await harness.run(SlurpModule(), ["src": .string(dir.path)])
        XCTAssertEqual(directory.message, "Source is a directory and must be a file: \(dir.path)")
        let home = try await harness.run(SlurpModule(), ["src": .string("~/.play-slurp-test-\(getpid())")])
        XCTAssertEqual(home.message, "File not found: \(NSHomeDirectory())/.play-slurp-test-\(getpid())", "~ is expanded")
    }

    func testTempFile() async throws {
        let dir = try TemporaryDirectory()
        let file = try await harness.run(TempFileModule(), ["path": .string(dir.path), "suffix": ".conf"])
        XCTAssertTrue(file.changed)
        let path = try XCTUnwrap(file.string("path"))
        let name = (path as NSString).lastPathComponent
        XCTAssertEqual((path as NSString).deletingLastPathComponent, dir.path)
        XCTAssertTrue(name.hasPrefix("ansible.") && name.hasSuffix(".conf") && name.count == "ansible.".count + 8 + 5, name)
        XCTAssertEqual(file["mode"], "0600")
        XCTAssertEqual(file["state"], "file")
        XCTAssertEqual(file["size"], 0)
        XCTAssertEqual(dir.mode(name), 0o600)
        let directory = try await harness.run(TempFileModule(), ["path": .string(dir.path), "state": "directory", "prefix": "build-"])
        let dpath = try XCTUnwrap(directory.string("path"))
        XCTAssertEqual(directory["state"], "directory")
        XCTAssertEqual(directory["mode"], "0700")
        XCTAssertTrue((dpath as NSString).lastPathComponent.hasPrefix("build-"))
        var isDirectory: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: dpath, isDirectory: &isDirectory) && isDirectory.boolValue)
        let another = try await harness.run(TempFileModule(), ["path": .string(dir.path)])
        XCTAssertNotEqual(another.string("path"), path)

        var check = harness
        check.checkMode = true
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).count
        let skipped = try await check.run(TempFileModule(), ["path": .string(dir.path)])
        XCTAssertEqual(skipped.values, ["changed": false, "msg": "remote module (tempfile) does not support check mode",
                                        "skipped": true])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).count, before)
        let missing = try await harness.run(TempFileModule(), ["path": .string(dir.file("none"))])
        XCTAssertTrue(missing.failed)
        XCTAssertEqual(missing.message?.hasPrefix("[Errno 2] No such file or directory: '\(dir.file("none"))/ansible."), true,
                       missing.message ?? "")
    }

    func testWaitForConnectionRetriesUntilTheHostAnswers() async throws {
        let flaky = FlakyConnection(failures: 2)
        var h = harness
        h.connection = flaky
        let r = try await h.run(WaitForConnectionModule(), ["sleep": 0, "timeout": 600])
        XCTAssertFalse(r.failed, r.message ?? "")
        XCTAssertEqual(r["changed"], false)
        XCTAssertNotNil(r["elapsed"]?.intValue)
        XCTAssertEqual(flaky.attempts, 3)
        XCTAssertEqual(h.progress.messages.count, 2, "one progress report per failed try")

        let down = FlakyConnection(failures: .max)
        h.connection = down
        let timedOut = try await h.run(WaitForConnectionModule(), ["sleep": 0, "timeout": 0])
        XCTAssertTrue(timedOut.failed)
        XCTAssertEqual(timedOut.message?.hasPrefix("timed out waiting for ping module test: "), true, timedOut.message ?? "")
        XCTAssertEqual(down.attempts, 1)

        var check = harness
        check.checkMode = true
        let skipped = try await check.run(WaitForConnectionModule(), [:])
        XCTAssertEqual(skipped.values, ["changed": false, "skipped": true])
    }
}

/// A local connection that is unreachable for its first `failures` commands.
final class FlakyConnection: Connection, @unchecked Sendable {
    private let base = LocalConnection()
    private let lock = NSLock()
    private var count = 0
    private let failures: Int

    init(failures: Int) { self.failures = failures }

    var hostName: String { "flaky" }
    var attempts: Int { lock.withLock { count } }

    func run(_ request: CommandRequest) async throws(ConnectionError) -> CommandResult {
        let n = lock.withLock { count += 1; return count }
        if n <= failures { throw .unreachable(host: hostName, message: "connection refused") }
        return try await base.run(request)
    }

    func put(_ data: Data, to remotePath: String, mode: Int?, become: Bool, becomeUser: String?) async throws(ConnectionError) {
        try await base.put(data, to: remotePath, mode: mode, become: become, becomeUser: becomeUser)
    }

    func fetch(_ remotePath: String, become: Bool, becomeUser: String?) async throws(ConnectionError) -> Data {
        try await base.fetch(remotePath, become: become, becomeUser: becomeUser)
    }

    func close() async {}
}
