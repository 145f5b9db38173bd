import Foundation
import PlayBase
import XCTest

/// Fixtures/aws-compat/ecs.yml (community.aws `ecs_cluster`) run by the real collection and by
/// `play`, each against its own moto_server: the registered results must have the same keys,
/// nesting, value types and `changed`.
final class AWSCompatECSTests: XCTestCase {
    func testClusterResultShapesMatchTheCollection() async throws {
        guard let (expected, actual) = try await AWSCompatTests.compareWithCollections("ecs.yml", expectedDifferences: [:])
        else { return }
        for task in ["cluster_check", "cluster", "cluster_again", "cluster_gone", "cluster_gone_again"] {
            XCTAssertEqual(actual[task]?["changed"], expected[task]?["changed"], task)
        }
        XCTAssertEqual(actual["cluster"]?["cluster"]?["clusterName"], .string("compat-cluster"))
        XCTAssertEqual(actual["cluster_again"]?["cluster"]?["status"], .string("ACTIVE"))
    }
}
