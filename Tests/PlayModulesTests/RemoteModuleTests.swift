import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// The host-touching modules against real OpenSSH servers on loopback (scripts/sshd-fleet.sh),
/// through the same pooled, multiplexed connections a run uses: remote effects on disk, truthful
/// `changed`, nothing touched in check mode, and one command per module call.
final class RemoteModuleTests: XCTestCase {
    private static let fleets = FleetRegistry()

    override class func setUp() {
        super.setUp()
        fleets.start("RemoteModuleTests", hosts: 2)
    }

    override class func tearDown() {
        fleets.stop("RemoteModuleTests")
        super.tearDown()
    }

    /// Runs `body` with a harness whose connection counts the commands it sends to host `k`.
    private func withHost(_ k: Int = 1, _ body: (ModuleHarness, CountingConnection, SSHFleet) async throws -> Void) async throws {
        let fleet = try Self.fleets.fleet(for: "RemoteModuleTests")
        try await withConnectionPool { pool in
            let ssh = try await pool.connection(for: fleet.hostName(k), settings: fleet.settings(k))
            let counting = CountingConnection(base: ssh)
            var harness = ModuleHarness()
            harness.connection = counting
            try await body(harness, counting, fleet)
        }
    }

    func testCommandAndShellRunOnTheHost() async throws {
        try await withHost { h, counter, fleet in
            let r = try await h.run(CommandModule(), ["_raw_params": "printf '%s|' $HOME 'a b'"])
            XCTAssertEqual(r.string("stdout"), "\(fleet.home(1))|a b|")
            XCTAssertEqual(counter.commands, 1)
            let piped = try await h.run(ShellModule(), ["_raw_params": "echo one two | wc -w > count.txt; cat count.txt"])
            XCTAssertEqual(piped.string("stdout"), "2")
            XCTAssertEqual(try String(contentsOfFile: fleet.home(1) + "/count.txt", encoding: .utf8), "2\n")
            let failing = try await h.run(ShellModule(), ["_raw_params": "exit 255"])
            XCTAssertEqual(failing["rc"], 255, "a command's own 255 is not a lost connection")
            XCTAssertTrue(failing.failed)
            let guarded = try await h.run(CommandModule(), ["_raw_params": "rm count.txt", "removes": "~/count.txt", "chdir": "~"])
            XCTAssertTrue(guarded.changed)
            XCTAssertFalse(FileManager.default.fileExists(atPath: fleet.home(1) + "/count.txt"))
            XCTAssertEqual(counter.commands, 4)
        }
    }

    func testCopyTemplateFileStatWithOneCommandEach() async throws {
        let local = try TemporaryDirectory()
        try local.write("templates/app.env.j2", "NAME={{ app }}\nPORT={{ port }}\n")
        try await withHost(2) { h, counter, fleet in
            var h = h
            h.taskDirectory = local.path
            h.variables = ["app": "th3", "port": 8080]
            let home = fleet.home(2)

            let dir = try await h.run(FileModule(), ["path": "~/app/conf", "state": "directory", "mode": "0750"])
            XCTAssertTrue(dir.changed)
            XCTAssertEqual(dir.string("path"), home + "/app/conf")
            XCTAssertEqual(counter.commands, 1)
            let dirAgain = try await h.run(FileModule(), ["path": "~/app/conf", "state": "directory", "mode": "0750"])
            XCTAssertFalse(dirAgain.changed)

            let copy = try await h.run(CopyModule(), ["content": "hello fleet\n", "dest": "~/app/conf/motd", "mode": "0640"])
            XCTAssertTrue(copy.changed, copy.message ?? "")
            XCTAssertEqual(try String(contentsOfFile: home + "/app/conf/motd", encoding: .utf8), "hello fleet\n")
            let copyAgain = try await h.run(CopyModule(), ["content": "hello fleet\n", "dest": "~/app/conf/motd", "mode": "0640"])
            XCTAssertFalse(copyAgain.changed)
            XCTAssertEqual(copyAgain.string("checksum"), copy.string("checksum"))
            XCTAssertEqual(counter.commands, 4)

            let template = try await h.run(TemplateModule(), ["src": "app.env.j2", "dest": "~/app/conf/app.env"])
            XCTAssertTrue(template.changed)
            XCTAssertEqual(try String(contentsOfFile: home + "/app/conf/app.env", encoding: .utf8), "NAME=th3\nPORT=8080\n")
            let templateAgain = try await h.run(TemplateModule(), ["src": "app.env.j2", "dest": "~/app/conf/app.env"])
            XCTAssertFalse(templateAgain.changed)

            let stat = try await h.run(StatModule(), ["path": "~/app/conf/motd"])
            XCTAssertEqual(stat["stat"]?["mode"], "0640")
            XCTAssertEqual(stat["stat"]?["checksum"], copy["checksum"])
            XCTAssertEqual(stat["stat"]?["path"], .string(home + "/app/conf/motd"))
            XCTAssertEqual(counter.commands, 7, "one command per module call")

            let big = String(repeating: "x", count: FileInstaller.inlineLimit + 10)
            let large = try await h.run(CopyModule(), ["content": .string(big), "dest": "~/big"])
            XCTAssertTrue(large.changed)
            XCTAssertEqual(counter.commands, 9, "large content that differs: a probe, then the bytes")
            let largeAgain = try await h.run(CopyModule(), ["content": .string(big), "dest": "~/big"])
            XCTAssertFalse(largeAgain.changed)
            XCTAssertEqual(counter.commands, 10, "large content already there: the probe only")

            try local.write("files/site/a.txt", "a\n")
            try local.write("files/site/sub/b.txt", "b\n")
            let tree = try await h.run(CopyModule(), ["src": "site", "dest": "~/www/"])
            XCTAssertTrue(tree.changed, tree.message ?? "")
            XCTAssertEqual(try String(contentsOfFile: home + "/www/site/sub/b.txt", encoding: .utf8), "b\n")
            let treeAgain = try await h.run(CopyModule(), ["src": "site", "dest": "~/www/"])
            XCTAssertFalse(treeAgain.changed)
            XCTAssertEqual(counter.commands, 12)
        }
    }

    func testCheckModeTouchesNothingOnTheHost() async throws {
        try await withHost { h, _, fleet in
            var check = h
            check.checkMode = true
            let home = fleet.home(1)
            let results = [
                try await check.run(FileModule(), ["path": "~/ghost/dir", "state": "directory"]),
                try await check.run(CopyModule(), ["content": "x", "dest": "~/ghost.txt"]),
                try await check.run(FileModule(), ["path": "~/ghost-link", "src": "/etc", "state": "link"]),
                try await check.run(ShellModule(), ["_raw_params": "touch ~/ghost-cmd", "creates": "~/ghost-cmd"]),
            ]
            for r in results { XCTAssertTrue(r.changed, "\(r.values)") }
            for name in ["ghost", "ghost.txt", "ghost-link", "ghost-cmd"] {
                XCTAssertFalse(FileManager.default.fileExists(atPath: home + "/" + name), name)
            }
        }
    }

    func testWaitForChecksFromTheHost() async throws {
        let server = try LoopbackServer { _ in }
        defer { server.stop() }
        try await withHost { h, counter, _ in
            let r = try await h.run(WaitForModule(), ["port": .int(server.port), "timeout": 5])
            XCTAssertFalse(r.failed, r.message ?? "")
            XCTAssertEqual(counter.commands, 1)
            let closed = try await h.run(WaitForModule(), ["port": .int(try LoopbackServer.closedPort()), "state": "stopped"])
            XCTAssertFalse(closed.failed)
        }
    }
}

/// Counts the commands sent through a connection (file transfers are counted too).
final class CountingConnection: Connection, @unchecked Sendable {
    let base: any Connection
    private let lock = NSLock()
    private var count = 0

    init(base: any Connection) { self.base = base }

    var hostName: String { base.hostName }
    var commands: Int { lock.withLock { count } }

    func run(_ request: CommandRequest) async throws(ConnectionError) -> CommandResult {
        lock.withLock { count += 1 }
        return try await base.run(request)
    }

    func put(_ data: Data, to remotePath: String, mode: Int?, become: Bool, becomeUser: String?) async throws(ConnectionError) {
        lock.withLock { count += 1 }
        try await base.put(data, to: remotePath, mode: mode, become: become, becomeUser: becomeUser)
    }

    func fetch(_ remotePath: String, become: Bool, becomeUser: String?) async throws(ConnectionError) -> Data {
        lock.withLock { count += 1 }
        return try await base.fetch(remotePath, become: become, becomeUser: becomeUser)
    }

    func close() async { await base.close() }
}
