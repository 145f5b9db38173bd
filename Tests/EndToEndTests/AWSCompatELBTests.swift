import Foundation
import PlayBase
import XCTest

/// Fixtures/aws-compat/elb.yml: play's network and load-balancer modules under their collection
/// names (ec2_vpc_net, ec2_vpc_subnet, ec2_security_group, elb_target_group and
/// elb_application_lb with listeners and rules) against the real amazon.aws/community.aws
/// collections: the same result shapes and the same `changed` on every task.
final class AWSCompatELBTests: XCTestCase {
    func testNetworkAndLoadBalancerResultsMatchTheCollections() async throws {
        guard let (expected, actual) = try await AWSCompatTests.compareWithCollections("elb.yml", expectedDifferences: [:]) else { return }
        // Values that must agree beyond shape.
        XCTAssertEqual(actual["vpc"]?["vpc"]?["name"], .string("elbcompat-vpc"))
        XCTAssertEqual(actual["vpc"]?["vpc"]?["tags"], expected["vpc"]?["vpc"]?["tags"])
        XCTAssertEqual(actual["tg"]?["deregistration_delay_timeout_seconds"], .string("30"))
        XCTAssertEqual(actual["tg"]?["health_check_path"], .string("/health"))
        let rules = actual["alb_rule_again"]?["listeners"]?[0]?["rules"]?.listValue ?? []
        XCTAssertEqual(rules.filter { $0["is_default"] == .bool(false) }.first?["conditions"], expected["alb_rule_again"]?["listeners"]?[0]?["rules"]?[0]?["conditions"])
        let switched = actual["alb_switched"]?["listeners"]?[0]?["default_actions"]?[0]?["target_group_arn"]?.stringValue ?? ""
        XCTAssertTrue(switched.contains(":targetgroup/elbcompat-tg2/"), switched)
    }
}
