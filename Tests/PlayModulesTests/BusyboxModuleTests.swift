import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// The new core modules' scripts on a busybox-only target: every command runs under
/// `busybox sh` with a PATH holding nothing but busybox's applets, so a GNU-only option or a
/// missing tool fails here. scripts/setup.sh installs busybox.
final class BusyboxModuleTests: XCTestCase {
    private var applets: TemporaryDirectory!
    private var harness = ModuleHarness()

    override func setUpWithError() throws {
        let busybox = try BusyboxConnection.withApplets()
        applets = busybox.applets
        XCTAssertTrue(FileManager.default.fileExists(atPath: applets.file("stat")))
        harness.connection = busybox.connection
    }

    func testTextModules() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("etc/app.conf")
        let created = try await harness.run(LineInFileModule(), ["path": .string(path), "line": "a=1", "create": true, "mode": "0640"])
        XCTAssertEqual(created.message, "line added and ownership, perms or SE linux context changed")
        XCTAssertEqual(dir.mode("etc/app.conf"), 0o640)
        let backup = try await harness.run(LineInFileModule(), ["path": .string(path), "regexp": "^a=", "line": "a=2", "backup": true])
        XCTAssertEqual(backup.message, "line replaced")
        XCTAssertEqual(try String(contentsOfFile: try XCTUnwrap(backup.string("backup")), encoding: .utf8), "a=1\n")
        XCTAssertEqual(dir.mode("etc/app.conf"), 0o640, "the mode survives the rewrite")
        let again = try await harness.run(LineInFileModule(), ["path": .string(path), "regexp": "^a=", "line": "a=2", "mode": "0640"])
        XCTAssertFalse(again.changed)
        let block = try await harness.run(BlockInFileModule(), ["path": .string(path), "block": "b=3"])
        XCTAssertEqual(block.message, "Block inserted")
        let replace = try await harness.run(ReplaceModule(), ["path": .string(path), "regexp": "=", "replace": " = "])
        XCTAssertEqual(replace.message, "2 replacements made")
        XCTAssertEqual(dir.read("etc/app.conf"), "a = 2\n# BEGIN ANSIBLE MANAGED BLOCK\nb = 3\n# END ANSIBLE MANAGED BLOCK\n")
        try FileManager.default.createSymbolicLink(atPath: dir.file("link"), withDestinationPath: path)
        let viaLink = try await harness.run(LineInFileModule(), ["path": .string(dir.file("link")), "line": "c = 4"])
        XCTAssertTrue(viaLink.changed)
        XCTAssertEqual(dir.read("etc/app.conf")?.hasSuffix("c = 4\n"), true)
    }

    func testFindSlurpTempfileFetchRawPing() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("fd/a.txt", "hello\n", mode: 0o644)
        try dir.write("fd/sub/b.log", "zz")
        try dir.write("fd/old.conf", "q", mode: 0o600)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3 * 86400)],
                                              ofItemAtPath: dir.file("fd/old.conf"))
        let root = dir.file("fd")
        let any = try await harness.run(FindModule(), ["paths": .string(root), "recurse": true, "file_type": "any"])
        XCTAssertFalse(any.failed, any.message ?? "")
        XCTAssertEqual(any["examined"], 4)
        XCTAssertEqual(Set((any["files"]?.listValue ?? []).compactMap { $0["path"]?.stringValue }),
                       [root + "/a.txt", root + "/old.conf", root + "/sub", root + "/sub/b.log"])
        let a = try await harness.run(FindModule(), ["paths": .string(root), "contains": "hel", "get_checksum": true])
        XCTAssertEqual(a["files"]?[0]?["path"], .string(root + "/a.txt"))
        XCTAssertEqual(a["files"]?[0]?["checksum"], "f572d396fae9206628714fb2ce00f72e94f2258f")
        XCTAssertEqual(a["files"]?[0]?["mode"], "0644")
        XCTAssertEqual(a["files"]?[0]?["size"], 6)
        let old = try await harness.run(FindModule(), ["paths": .string(root), "age": "1d"])
        XCTAssertEqual(old["files"]?.listValue?.compactMap { $0["path"]?.stringValue }, [root + "/old.conf"])

        let slurp = try await harness.run(SlurpModule(), ["src": .string(root + "/a.txt")])
        XCTAssertEqual(slurp["content"], "aGVsbG8K")
        let temp = try await harness.run(TempFileModule(), ["path": .string(dir.path), "suffix": ".x"])
        XCTAssertFalse(temp.failed, temp.message ?? "")
        XCTAssertEqual(temp["mode"], "0600")
        XCTAssertEqual(temp.string("path")?.hasSuffix(".x"), true)

        let local = try TemporaryDirectory()
        var h = harness
        h.taskDirectory = local.path
        let fetch = try await h.run(FetchModule(), ["src": .string(root + "/a.txt"), "dest": "out/", "flat": true])
        XCTAssertEqual(fetch["remote_checksum"], "f572d396fae9206628714fb2ce00f72e94f2258f")
        XCTAssertEqual(local.read("out/a.txt"), "hello\n")
        let raw = try await harness.run(RawModule(), ["_raw_params": "readlink /proc/$$/exe"])
        XCTAssertEqual(raw.string("stdout")?.contains("busybox"), true, "the commands really ran under busybox")
        let ping = try await harness.run(PingModule(), [:])
        XCTAssertEqual(ping["ping"], "pong")
    }
}

/// A local connection whose commands run under `busybox sh` with only busybox's applets on PATH.
struct BusyboxConnection: Connection {
    /// busybox's applets installed as links in a fresh directory (kept alive by the caller), and
    /// a connection that sees only them; a thrown error fails the test when busybox is missing.
    static func withApplets() throws -> (connection: BusyboxConnection, applets: TemporaryDirectory) {
        guard let busybox = ["/usr/bin/busybox", "/bin/busybox"].first(where: FileManager.default.isExecutableFile) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey:
                "busybox is not installed: run scripts/setup.sh (apt-get install busybox)"])
        }
        let applets = try TemporaryDirectory()
        let install = Process()
        install.executableURL = URL(fileURLWithPath: busybox)
        install.arguments = ["--install", "-s", applets.path]
        try install.run()
        install.waitUntilExit()
        return (BusyboxConnection(busybox: busybox, path: applets.path), applets)
    }

    let busybox: String
    let path: String
    private let base = LocalConnection()

    init(busybox: String, path: String) {
        self.busybox = busybox
        self.path = path
    }

    var hostName: String { "busybox" }

    func run(_ request: CommandRequest) async throws(ConnectionError) -> CommandResult {
        var wrapped = request
        wrapped.command = "PATH=\(ShellWords.quote(path)); export PATH; exec \(ShellWords.quote(busybox)) sh -c "
            + ShellWords.quote(request.command)
        return try await base.run(wrapped)
    }

    func put(_ data: Data, to remotePath: String, mode: Int?, become: Bool, becomeUser: String?) async throws(ConnectionError) {
        try await base.put(data, to: remotePath, mode: mode, become: become, becomeUser: becomeUser)
    }

    func fetch(_ remotePath: String, become: Bool, becomeUser: String?) async throws(ConnectionError) -> Data {
        try await base.fetch(remotePath, become: become, becomeUser: becomeUser)
    }

    func close() async {}
}
