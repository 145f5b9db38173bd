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

/// Fixtures/aws-compat/ecs-services.yml (community.aws `ecs_taskdefinition`(+_info), `ecs_service`
/// (+_info), `ecs_task`, `ecs_ecr`) run by the real collection and by play, each against its own
/// moto_server: the same keys, nesting, value types and `changed`, but for play's documented additions.
final class AWSCompatECSServiceTests: XCTestCase {
    /// play's additions to the collections' results (documented on each module), nothing else.
    static let expectedDifferences: [String: String] = {
        var differences: [String: String] = [
            "svc_info.exists: only in play": "play: every named service is there (a deploy's precondition)",
            "svc_info.service: only in play": "play: the first named service, as ECS describes it",
            "td_check.images: only in play": "play: the images the revision would run",
            "td_check.previous_arn: only in play": "play: the latest revision before the task (what a rollback goes back to)",
        ]
        for task in ["td", "td_again"] {
            for key in ["arn", "family", "revision", "images", "previous_arn"] {
                differences["\(task).\(key): only in play"] = "play: handles on the revision for later tasks"
            }
        }
        for key in ["arn", "exists", "images", "previous", "revisions"] {
            differences["td_info.\(key): only in play"] = "play: the family's revisions and the one before (rollback target)"
        }
        return differences
    }()

    func testServiceTaskAndRepositoryShapesMatchTheCollection() async throws {
        guard let (expected, actual) = try await AWSCompatTests.compareWithCollections("ecs-services.yml",
                                                                                       expectedDifferences: Self.expectedDifferences)
        else { return }
        XCTAssertEqual(actual["svc"]?["service"]?["launchType"], expected["svc"]?["service"]?["launchType"])
        XCTAssertEqual(actual["td_again"]?["taskdefinition"]?["revision"], 1)
        XCTAssertEqual(actual["task_stop"]?["task"]?["lastStatus"], "STOPPED")
    }
}
