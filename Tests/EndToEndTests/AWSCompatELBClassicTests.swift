import Foundation
import PlayBase
import XCTest

/// Fixtures/aws-compat/elb-classic.yml: `elb_classic_lb` (and its old name `ec2_elb_lb`) against
/// the real amazon.aws collection on moto_server: listeners, health check, attributes, tags,
/// instances with purge, check mode and delete give the same result shapes and the same `changed`
/// (and `ec2_instance` with `count` where instances of that name exist lists them with the new one).
/// moto 5.2 answers 500 to the collection's DescribeLoadBalancerAttributes of a missing load
/// balancer, so the collection fails right after deleting one and on deleting a missing one: its
/// `clb_gone` and `clb_gone_again` are not recorded, play's are checked alone.
final class AWSCompatELBClassicTests: XCTestCase {
    func testClassicLoadBalancerResultsMatchTheCollection() async throws {
        let differences = ["clb_gone: only in play": "the collection fails on moto once the load balancer is gone",
                           "clb_gone_again: only in play": "the same, for a load balancer that does not exist"]
        guard let (expected, actual) = try await AWSCompatTests.compareWithCollections("elb-classic.yml", expectedDifferences: differences)
        else { return }
        // ec2_instance with `count` where instances of that name exist: the new one, and all of them.
        XCTAssertEqual(actual["web_more"]?["changed_ids"]?.listValue?.count, 1)
        XCTAssertEqual(actual["web_more"]?["instance_ids"]?.listValue?.count, 3)
        XCTAssertEqual(expected["web_more"]?["instance_ids"]?.listValue?.count, 3)
        XCTAssertEqual(actual["clb"]?["elb"]?["health_check"], expected["clb"]?["elb"]?["health_check"])
        XCTAssertEqual(actual["clb"]?["elb"]?["listeners"], .list([.list([.int(80), .int(8080), .string("HTTP"), .string("HTTP")])]))
        for key in ["idle_timeout", "connection_draining_timeout", "cross_az_load_balancing", "status"] {
            XCTAssertEqual(actual["clb"]?["elb"]?[key], expected["clb"]?["elb"]?[key], key)
            XCTAssertEqual(actual["clb_update"]?["elb"]?[key], expected["clb_update"]?["elb"]?[key], key)
        }
        XCTAssertEqual(actual["clb_check"]?["elb"]?["listeners"]?.listValue?.count, 1, "check mode added no listener")
        XCTAssertEqual(actual["clb_update"]?["elb"]?["listeners"]?.listValue?.count, 2)
        XCTAssertEqual(actual["clb_update"]?["elb"]?["instances"]?.listValue?.count, 2)
        XCTAssertEqual(actual["clb_purged"]?["elb"]?["instances"]?.listValue?.count, 1)
        XCTAssertEqual(actual["clb_purged"]?["elb"]?["tags"], expected["clb_purged"]?["elb"]?["tags"])
        XCTAssertEqual(actual["clb_gone"]?["elb"]?["status"], .string("deleted"))
        XCTAssertEqual(actual["clb_gone"]?["changed"], .bool(true))
        XCTAssertEqual(actual["clb_gone_again"]?["changed"], .bool(false))
        XCTAssertEqual(actual["clb_gone_again"]?["elb"]?.dictValue?.keys.sorted(), ["name", "region", "status"])
        XCTAssertEqual(actual["clb_gone_again"]?["elb"]?["status"], .string("gone"))
        XCTAssertEqual(actual["clb_gone_again"]?["elb"]?["name"], .string("clbcompat"))
    }
}
