import XCTest
@testable import PlayConnection
import PlayTestSupport

/// The figures the W1 benchmark depends on, measured against real sshd and printed; the bounds
/// are generous (a shared 2-core machine) but catch a lost master or an extra round trip.
final class PerformanceTests: FleetTestCase {
    override class var hostCount: Int { 10 }

    func testColdWarmAndParallelFigures() async throws {
        let fleet = try fleet()
        let clock = ContinuousClock()

        // Cold: pool, master handshake and one command.
        var start = clock.now
        let cold = try await withConnectionPool { pool in
            let c = try await pool.connection(for: "h1", settings: fleet.settings(1))
            let first = try await c.run("true")
            let coldTime = clock.now - start

            // Warm: 100 sequential commands over the same master; then the same with plain
            // ssh from bash over the same master, the floor under this machine's current load.
            start = clock.now
            for _ in 0..<100 { _ = try await c.run("true") }
            let warm = (clock.now - start) / 100
            let directory = await pool.controlDirectory()
            let socket = try XCTUnwrap(directory) + "/h0"
            start = clock.now
            let (status, output) = SSHFleet.run(["bash", "-c",
                "for i in $(seq 100); do ssh -F \(fleet.directory)/ssh_config -o ControlPath=\(socket) -o ControlMaster=no h1 'sh -c true' || exit 1; done"])
            XCTAssertEqual(status, 0, output)
            let rawWarm = (clock.now - start) / 100
            return (coldTime, warm, first.exitCode, rawWarm)
        }
        XCTAssertEqual(cold.2, 0)

        // 10 hosts x 10 commands, hosts in parallel, commands in sequence per host, cold masters.
        start = clock.now
        try await withConnectionPool { pool in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for k in 1...10 {
                    group.addTask {
                        for _ in 0..<10 {
                            let c = try await pool.connection(for: fleet.hostName(k), settings: fleet.settings(k))
                            let r = try await c.run("true")
                            XCTAssertEqual(r.exitCode, 0)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let parallel = clock.now - start

        // The raw floor for the same: bash, one master per host, in parallel (as W1's floor).
        start = clock.now
        let script = """
            d=$(mktemp -d /tmp/play-raw-XXXX)
            for k in $(seq 10); do
              ( ssh -F \(fleet.directory)/ssh_config -o ControlPath=$d/h$k -o ControlMaster=yes -o ControlPersist=60 -fN h$k
                for i in $(seq 10); do ssh -F \(fleet.directory)/ssh_config -o ControlPath=$d/h$k -o ControlMaster=no h$k 'sh -c true'; done
                ssh -o ControlPath=$d/h$k -O exit h$k 2>/dev/null ) &
            done
            wait
            rm -rf "$d"
            """
        let (rawStatus, rawOutput) = SSHFleet.run(["bash", "-c", script])
        XCTAssertEqual(rawStatus, 0, rawOutput)
        let rawParallel = clock.now - start

        print("""
            PlayConnection figures: cold run(\"true\") on 1 host: \(ms(cold.0)); \
            warm command: \(ms(cold.1)) each (100 sequential; plain ssh over the same master: \(ms(cold.3))); \
            10 hosts x 10 commands in parallel (cold masters, closing included): \(ms(parallel)) \
            (bash + ssh floor: \(ms(rawParallel)))
            """)
        XCTAssertLessThan(cold.0, .seconds(2))
        XCTAssertLessThan(cold.1, .milliseconds(100))
        XCTAssertLessThan(parallel, .seconds(10))
    }

    private func ms(_ d: Duration) -> String {
        let (s, a) = d.components
        return String(format: "%.1f ms", Double(s) * 1000 + Double(a) / 1e15)
    }
}
