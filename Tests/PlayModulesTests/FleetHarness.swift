import Foundation
import PlayConnection
import PlayTestSupport

extension FleetRegistry {
    /// Runs `body` with a harness on host 1 of the fleet started under `name`, through the pooled
    /// SSH connection a run uses, counted.
    func withFirstHost(_ name: String, _ body: (ModuleHarness, CountingConnection) async throws -> Void) async throws {
        let fleet = try fleet(for: name)
        try await withConnectionPool { pool in
            let counting = CountingConnection(base: try await pool.connection(for: fleet.hostName(1), settings: fleet.settings(1)))
            var harness = ModuleHarness()
            harness.connection = counting
            try await body(harness, counting)
        }
    }
}
