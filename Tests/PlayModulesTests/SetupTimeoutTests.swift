import Foundation
import PlayBase
@testable import PlayModules
import XCTest

/// `gather_timeout` bounds each lookup of fact gathering that can hang, as Ansible's collectors
/// are bounded: a `stat` of a mount that never answers (a dead NFS server) is killed, and the
/// facts come back without that mount's sizes.
final class SetupTimeoutTests: XCTestCase {
    func testAStatfsThatHangsIsKilledAfterTheGatherTimeout() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("setup-timeout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("killed").path
        // A `stat -f` that hangs until it is told to stop, and says so; any other stat is the real one.
        let fake = directory.appendingPathComponent("stat")
        try """
            #!/bin/sh
            if [ "$1" = "-f" ]; then
              trap 'echo killed >> \(marker); exit 143' TERM
              sleep 30 & wait $!
              exit 0
            fi
            exec /usr/bin/stat "$@"
            """.write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)

        var harness = ModuleHarness()
        harness.environment = ["PATH": "\(directory.path):/usr/bin:/bin:/usr/sbin:/sbin"]
        let result = try await harness.run(SetupModule(), ["gather_subset": ["hardware"], "gather_timeout": 1])
        XCTAssertFalse(result.failed, "\(result.values)")
        let killed = (try? String(contentsOfFile: marker, encoding: .utf8)) ?? ""
        XCTAssertFalse(killed.isEmpty, "the hanging statfs was not stopped by gather_timeout")
        let mounts = result["ansible_facts"]?["ansible_mounts"]?.listValue ?? []
        XCTAssertFalse(mounts.isEmpty, "mounts are still listed")
        XCTAssertNil(mounts.first?["size_total"], "a mount whose statfs timed out has no sizes")
    }
}
