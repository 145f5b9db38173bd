import Foundation
import XCTest

/// `async`/`poll`/`async_status` with the built `play` on this machine (`-c local`): the
/// expectations are asserts in Fixtures/async/jobs.yml, so a clean recap means they held; the
/// command that outlives its `async` must be gone afterwards.
final class AsyncJobTests: XCTestCase {
    func testPollTimeoutFireAndForgetStatusAndCleanupOnLocalhost() throws {
        // A duration no other process on the machine sleeps for, to find the job's command by.
        let sleeper = 4000 + Int.random(in: 0..<900)
        let result = try PlayProcess.play(["-i", "localhost,", "-c", "local", "-e", "sleeper=\(sleeper)",
                                           "async/jobs.yml"], cwd: PlayProcess.fixtures)
        XCTAssertEqual(result.exitCode, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("failed=0"), result.stdout)
        XCTAssertTrue(result.stdout.contains("ignored=3"), result.stdout)
        XCTAssertTrue(result.stdout.contains("Timeout exceeded"), result.stdout)
        XCTAssertEqual(try Self.liveProcesses(matching: "sleep \(sleeper)"), [])
    }

    /// `ps` lines of processes (zombies left to a non-reaping init excluded) whose command is `command`.
    static func liveProcesses(matching command: String) throws -> [String] {
        let ps = try PlayProcess.run("/bin/ps", ["-eo", "stat=,args="])
        return ps.stdout.split(separator: "\n").map(String.init).filter { line in
            let fields = line.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
            return fields.count == 2 && !fields[0].hasPrefix("Z") && fields[1] == command
        }
    }
}
