import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// route53_zone, route53 and route53_info against a real moto_server: the zone, then create, the
/// same record unchanged, a different one refused without `overwrite`, replaced with it, read,
/// listed, check mode, deleted. The keys asserted are the ones amazon.aws 10 returns (recorded
/// from the collection against moto), typo'd `resource_records_sets` included.
final class Route53ModuleTests: AWSModuleTestCase {
    func testRecordsAreWrittenComparedOverwrittenReadAndDeleted() async throws {
        let server = try await moto()
        let runner = AWSModuleRunner(moto: server)
        let zone = "z\(UUID().uuidString.prefix(6).lowercased()).example.com"
        let made = try await runner.run(Route53ZoneModule(), ["zone": .string(zone), "comment": "first", "tags": ["app": "dns"]])
        XCTAssertTrue(made.changed, made.text)
        XCTAssertEqual(made["name"]?.renderedString, zone + ".")
        XCTAssertEqual(made["tags"], ["app": "dns"])
        XCTAssertEqual(made["result"]?["private_zone"], false)
        let zoneID = made["zone_id"]?.renderedString ?? ""
        let sameZone = try await runner.run(Route53ZoneModule(), ["zone": .string(zone), "comment": "first", "tags": ["app": "dns"]])
        XCTAssertFalse(sameZone.changed, sameZone.text)
        let commented = try await runner.run(Route53ZoneModule(), ["zone": .string(zone), "comment": "second"])
        XCTAssertTrue(commented.changed, commented.text)
        XCTAssertEqual(commented["comment"], "second")

        func record(_ state: String, _ extra: OrderedDictionary<String, Value> = [:]) async throws -> TaskResult {
            let base: OrderedDictionary<String, Value> = ["state": .string(state), "zone": .string(zone), "record": .string("www.\(zone)"),
                                                          "type": "A", "ttl": 300, "value": .list(["192.0.2.10", "192.0.2.11"])]
            return try await runner.run(Route53Module(), base.merging(extra) { $1 })
        }
        runner.checkMode = true
        let wouldCreate = try await record("present")
        XCTAssertTrue(wouldCreate.changed)
        runner.checkMode = false
        let written = try await record("present", ["wait": true])
        XCTAssertTrue(written.changed, written.text)
        XCTAssertEqual(written["resource_record_sets"]?[0]?["values"], .list(["192.0.2.10", "192.0.2.11"]))
        XCTAssertEqual(written["resource_record_sets"]?[0]?["ttl"], "300", "the collection reports the TTL as text")
        XCTAssertTrue(written["wait_id"]?.renderedString.hasPrefix("/change/") ?? false, written.text)

        let same = try await record("present")
        XCTAssertFalse(same.changed, same.text)
        XCTAssertEqual(same["resource_records_sets"]?[0]?["ttl"], 300)
        let refused = try await record("present", ["value": .list(["192.0.2.12"])])
        XCTAssertTrue(refused.failed)
        XCTAssertTrue(refused.text.contains("overwrite"), refused.text)
        let replaced = try await record("present", ["value": .list(["192.0.2.12"]), "ttl": 60, "overwrite": true])
        XCTAssertTrue(replaced.changed, replaced.text)

        let got = try await record("get")
        XCTAssertEqual(got["set"]?["value"], "192.0.2.12", got.text)
        XCTAssertEqual(got["set"]?["TTL"], 60)
        XCTAssertEqual(got["nameservers"]?.listValue?.isEmpty, false)
        let listed = try await runner.run(Route53InfoModule(), ["query": "record_sets", "hosted_zone_id": .string(zoneID)])
        let types = listed["resource_record_sets"]?.listValue?.compactMap { $0["type"]?.renderedString } ?? []
        XCTAssertEqual(Set(types), ["NS", "SOA", "A"], listed.text)
        let zones = try await runner.run(Route53InfoModule(), ["query": "hosted_zone", "hosted_zone_id": .string(zoneID)])
        XCTAssertEqual(zones["hosted_zones"]?[0]?["name"]?.renderedString, zone + ".")

        runner.checkMode = true
        let wouldDelete = try await record("absent", ["value": .list(["192.0.2.12"]), "ttl": 60])
        XCTAssertTrue(wouldDelete.changed)
        runner.checkMode = false
        let deleted = try await record("absent", ["value": .list(["192.0.2.12"]), "ttl": 60])
        XCTAssertTrue(deleted.changed, "check mode deleted nothing: \(deleted.text)")
        let twice = try await record("absent")
        XCTAssertFalse(twice.changed)
        let zoneGone = try await runner.run(Route53ZoneModule(), ["zone": .string(zone), "state": "absent"])
        XCTAssertTrue(zoneGone.changed, zoneGone.text)
        let missingZone = try await runner.run(Route53Module(), ["state": "get", "zone": "nowhere.example.org", "record": "a.nowhere.example.org",
                                                                 "type": "A"])
        XCTAssertTrue(missingZone.failed)
    }
}
