import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// The text-editing, transfer and host modules against a real OpenSSH server on loopback
/// (scripts/sshd-fleet.sh) through the pooled connection a run uses: effects on the host's disk,
/// idempotence, nothing written in check mode, and the number of commands each call costs.
final class RemoteCoreModuleTests: XCTestCase {
    private static let fleets = FleetRegistry()

    override class func setUp() {
        super.setUp()
        fleets.start("RemoteCoreModuleTests", hosts: 1)
    }

    override class func tearDown() {
        fleets.stop("RemoteCoreModuleTests")
        super.tearDown()
    }

    private func withHost(_ body: (ModuleHarness, CountingConnection, SSHFleet) async throws -> Void) async throws {
        let fleet = try Self.fleets.fleet(for: "RemoteCoreModuleTests")
        try await withConnectionPool { pool in
            let ssh = try await pool.connection(for: fleet.hostName(1), settings: fleet.settings(1))
            let counting = CountingConnection(base: ssh)
            var harness = ModuleHarness()
            harness.connection = counting
            try await body(harness, counting, fleet)
        }
    }

    func testTextModulesEditFilesOnTheHost() async throws {
        try await withHost { h, counter, fleet in
            let home = fleet.home(1)
            try "a=1\nb=2\n".write(toFile: home + "/app.conf", atomically: false, encoding: .utf8)
            let line = try await h.run(LineInFileModule(), ["path": "~/app.conf", "regexp": "^b=", "line": "b=3"])
            XCTAssertEqual(line.message, "line replaced")
            XCTAssertEqual(counter.commands, 2, "one read, one write")
            XCTAssertEqual(try String(contentsOfFile: home + "/app.conf", encoding: .utf8), "a=1\nb=3\n")
            let lineAgain = try await h.run(LineInFileModule(), ["path": "~/app.conf", "regexp": "^b=", "line": "b=3"])
            XCTAssertFalse(lineAgain.changed)
            XCTAssertEqual(counter.commands, 3, "nothing to write: the read only")

            let block = try await h.run(BlockInFileModule(), ["path": "~/app.conf", "block": "c=4"])
            XCTAssertEqual(block.message, "Block inserted")
            let replace = try await h.run(ReplaceModule(), ["path": "~/app.conf", "regexp": #"=(\d)"#, "replace": #": \1"#])
            XCTAssertEqual(replace.message, "3 replacements made")
            XCTAssertEqual(try String(contentsOfFile: home + "/app.conf", encoding: .utf8),
                           "a: 1\nb: 3\n# BEGIN ANSIBLE MANAGED BLOCK\nc: 4\n# END ANSIBLE MANAGED BLOCK\n")

            var check = h
            check.checkMode = true
            let before = counter.commands
            let previews = [
                try await check.run(LineInFileModule(), ["path": "~/app.conf", "line": "d: 5"]),
                try await check.run(BlockInFileModule(), ["path": "~/app.conf", "state": "absent"]),
                try await check.run(ReplaceModule(), ["path": "~/app.conf", "regexp": "a", "replace": "A"]),
                try await check.run(LineInFileModule(), ["path": "~/ghost/new.conf", "line": "x", "create": true]),
            ]
            for r in previews { XCTAssertTrue(r.changed, "\(r.values)") }
            XCTAssertEqual(counter.commands - before, 4, "check mode reads only")
            XCTAssertEqual(try String(contentsOfFile: home + "/app.conf", encoding: .utf8),
                           "a: 1\nb: 3\n# BEGIN ANSIBLE MANAGED BLOCK\nc: 4\n# END ANSIBLE MANAGED BLOCK\n")
            XCTAssertFalse(FileManager.default.fileExists(atPath: home + "/ghost"))
        }
    }

    func testTransferAndHostModules() async throws {
        let local = try TemporaryDirectory()
        try await withHost { h, counter, fleet in
            var h = h
            h.taskDirectory = local.path
            let home = fleet.home(1)
            try "remote data\n".write(toFile: home + "/data.txt", atomically: false, encoding: .utf8)

            let slurp = try await h.run(SlurpModule(), ["src": "~/data.txt"])
            XCTAssertEqual(slurp["content"], .string(Data("remote data\n".utf8).base64EncodedString()))
            XCTAssertEqual(slurp["source"], .string(home + "/data.txt"))

            let start = counter.commands
            let fetch = try await h.run(FetchModule(), ["src": "~/data.txt", "dest": "got"])
            XCTAssertTrue(fetch.changed, fetch.message ?? "")
            let dest = local.path + "/got/" + fleet.hostName(1) + home + "/data.txt"
            XCTAssertEqual(fetch.string("dest"), dest)
            XCTAssertEqual(try String(contentsOfFile: dest, encoding: .utf8), "remote data\n")
            let fetchAgain = try await h.run(FetchModule(), ["src": "~/data.txt", "dest": "got"])
            XCTAssertFalse(fetchAgain.changed)
            XCTAssertEqual(counter.commands - start, 3, "probe + transfer, then the probe only")

            let find = try await h.run(FindModule(), ["paths": "~", "patterns": "*.txt"])
            XCTAssertEqual(find["files"]?.listValue?.compactMap { $0["path"]?.stringValue }, [home + "/data.txt"])

            let ping = try await h.run(PingModule(), [:])
            XCTAssertEqual(ping["ping"], "pong")
            let raw = try await h.run(RawModule(), ["_raw_params": "cd && pwd"])
            XCTAssertEqual(raw["stdout_lines"], [.string(home)])
            let temp = try await h.run(TempFileModule(), ["path": "~"])
            let tempPath = try XCTUnwrap(temp.string("path"))
            XCTAssertTrue(tempPath.hasPrefix(home + "/ansible."), tempPath)
            XCTAssertTrue(FileManager.default.fileExists(atPath: tempPath))
            let wait = try await h.run(WaitForConnectionModule(), ["timeout": 10])
            XCTAssertFalse(wait.failed, wait.message ?? "")
        }
    }

    func testWaitForConnectionSeesTheHostGoAndComeBack() async throws {
        try await withHost { h, _, fleet in
            let up = try await h.run(PingModule(), [:])
            XCTAssertEqual(up["ping"], "pong")
            try fleet.stopHost(1)
            var restarted = false
            defer { if !restarted { try? fleet.startHost(1) } }
            let down = try await h.run(WaitForConnectionModule(), ["timeout": 0, "connect_timeout": 5])
            XCTAssertTrue(down.failed)
            XCTAssertEqual(down.message?.hasPrefix("timed out waiting for ping module test: "), true, down.message ?? "")
            try fleet.startHost(1)
            restarted = true
            let back = try await h.run(WaitForConnectionModule(), ["timeout": 60, "sleep": 1])
            XCTAssertFalse(back.failed, back.message ?? "")
            XCTAssertEqual(back["changed"], false)
        }
    }
}
