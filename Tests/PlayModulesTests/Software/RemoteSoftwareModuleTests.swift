import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// The software modules against a real OpenSSH server on loopback through the pooled
/// connection a run uses: effects on the host's disk, idempotence, and one command a call.
final class RemoteSoftwareModuleTests: XCTestCase {
    private static let fleets = FleetRegistry()

    override class func setUp() {
        super.setUp()
        fleets.start("RemoteSoftwareModuleTests", hosts: 1)
    }

    override class func tearDown() {
        fleets.stop("RemoteSoftwareModuleTests")
        super.tearDown()
    }

    func testDownloadUnpackArchiveRunAndClone() async throws {
        let fleet = try Self.fleets.fleet(for: "RemoteSoftwareModuleTests")
        let fixtures = try TemporaryDirectory()
        try ArchiveFixtures.make(in: fixtures)
        try fixtures.write("files/hello.sh", "#!/bin/sh\necho \"hello from $(pwd) as $(id -un)\"\n")
        let server = try FileServer()
        defer { server.stop() }
        server.set("/tool.txt", "tool\n")
        try await withConnectionPool { pool in
            let ssh = try await pool.connection(for: fleet.hostName(1), settings: fleet.settings(1))
            let counter = CountingConnection(base: ssh)
            var h = ModuleHarness()
            h.connection = counter
            h.taskDirectory = fixtures.path
            let home = fleet.home(1)

            let fetched = try await h.run(GetURLModule(), ["url": .string(server.url("/tool.txt")), "dest": "~/tool.txt", "mode": "0755"])
            XCTAssertFalse(fetched.failed, fetched.message ?? "")
            XCTAssertEqual(counter.commands, 1)
            XCTAssertEqual(try String(contentsOfFile: home + "/tool.txt", encoding: .utf8), "tool\n")
            let fetchedAgain = try await h.run(GetURLModule(), ["url": .string(server.url("/tool.txt")), "dest": "~/tool.txt"])
            XCTAssertEqual(fetchedAgain["status_code"], 304)

            try FileManager.default.createDirectory(atPath: home + "/opt", withIntermediateDirectories: true)
            let before = counter.commands
            let unpacked = try await h.run(UnarchiveModule(), ["src": "app.tar.gz", "dest": "~/opt"])
            XCTAssertFalse(unpacked.failed, unpacked.message ?? "")
            XCTAssertTrue(unpacked.changed)
            XCTAssertEqual(counter.commands - before, 1, "the archive travels with the command")
            XCTAssertEqual(try String(contentsOfFile: home + "/opt/app/README", encoding: .utf8), "read me\n")
            let unpackedAgain = try await h.run(UnarchiveModule(), ["src": "app.tar.gz", "dest": "~/opt"])
            XCTAssertFalse(unpackedAgain.changed)

            let packed = try await h.run(ArchiveModule(), ["path": "~/opt/app", "dest": "~/app.tar.xz", "format": "xz"])
            XCTAssertFalse(packed.failed, packed.message ?? "")
            XCTAssertEqual(packed["arcroot"], .string(home + "/opt/"))
            let packedAgain = try await h.run(ArchiveModule(), ["path": "~/opt/app", "dest": "~/app.tar.xz", "format": "xz"])
            XCTAssertFalse(packedAgain.changed)

            let ran = try await h.run(ScriptModule(), ["_raw_params": "hello.sh", "chdir": .string(home + "/opt")])
            XCTAssertEqual(ran["stdout_lines"]?[0]?.stringValue?.hasPrefix("hello from \(home)/opt as "), true, "\(ran.values)")

            try ArchiveFixtures.sh("""
                git -c init.defaultBranch=main init -q up && cd up && echo one > a.txt && git add a.txt \
                  && git -c user.name=t -c user.email=t@example.invalid commit -qm one
                """, in: fixtures.path)
            let cloned = try await h.run(GitModule(), ["repo": .string(fixtures.file("up")), "dest": "~/src/app"])
            XCTAssertFalse(cloned.failed, cloned.message ?? "")
            XCTAssertTrue(cloned.changed)
            XCTAssertEqual(try String(contentsOfFile: home + "/src/app/a.txt", encoding: .utf8), "one\n")
            let clonedAgain = try await h.run(GitModule(), ["repo": .string(fixtures.file("up")), "dest": "~/src/app"])
            XCTAssertFalse(clonedAgain.changed)
        }
    }
}
