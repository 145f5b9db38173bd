import Foundation
import PlayBase
import XCTest

/// Fixtures/aws-compat/iam.yml (CloudFormation, IAM, Auto Scaling and launch templates under the
/// collections' names) run by the real collections and by play against moto_servers: the
/// registered results must have the same shape (see `AWSCompatTests.compareWithCollections`).
/// Route 53 is not here: moto with signature checking on rejects boto3's Route 53 calls
/// (SignatureDoesNotMatch), so the collection cannot run against it (see Route53ModuleTests).
final class AWSCompatIAMTests: XCTestCase {
    /// Differences the test expects, with why.
    static let expectedDifferences: [String: String] = [:]

    func testCloudFormationIAMAndAutoScalingShapesMatchTheCollections() async throws {
        guard let (expected, actual) = try await AWSCompatTests.compareWithCollections("iam.yml", expectedDifferences: Self.expectedDifferences)
        else { return }
        // Values that must agree beyond shape.
        XCTAssertEqual(actual["stack_info"]?["cloudformation"]?["compat-stack"]?["stack_outputs"],
                       expected["stack_info"]?["cloudformation"]?["compat-stack"]?["stack_outputs"])
        XCTAssertEqual(actual["stack_changes"]?["meta"], expected["stack_changes"]?["meta"])
        XCTAssertEqual(actual["inline"]?["policy_names"], .list(["s3-read"]))
        XCTAssertEqual(actual["role_info"]?["iam_roles"]?[0]?["inline_policies"], .list(["s3-read"]))
        XCTAssertEqual(actual["role"]?["iam_role"]?["assume_role_policy_document"],
                       expected["role"]?["iam_role"]?["assume_role_policy_document"])
    }
}
