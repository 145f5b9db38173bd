import Foundation
import PlayBase
import XCTest

/// Fixtures/aws-compat/kms.yml (amazon.aws `kms_key_info`: by alias, id, tag filter, metadata
/// only) run by the real collection and by `play`, each against its own moto_server: the
/// registered results must have the same keys, nesting, value types and `changed`.
final class AWSCompatKMSTests: XCTestCase {
    func testKeyInfoShapesMatchTheCollection() async throws {
        guard let (expected, actual) = try await AWSCompatTests.compareWithCollections("kms.yml", expectedDifferences: [:])
        else { return }
        XCTAssertEqual(actual["by_alias"]?["kms_keys"]?[0]?["aliases"], .list(["compat-key"]))
        XCTAssertEqual(actual["by_alias"]?["kms_keys"]?[0]?["enable_key_rotation"], .bool(true))
        XCTAssertEqual(actual["by_tag"]?["kms_keys"]?.listValue?.count, 1)
        XCTAssertEqual(actual["unmatched"]?["kms_keys"], .list([]))
        XCTAssertEqual(actual["by_id"]?["kms_keys"]?[0]?["tags"], expected["by_id"]?["kms_keys"]?[0]?["tags"])
    }
}
