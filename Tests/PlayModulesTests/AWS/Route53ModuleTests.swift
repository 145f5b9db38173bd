import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// route53 and route53_info against a real moto_server (the zone made directly): create, the
/// same record unchanged, a different one refused without `overwrite`, replaced with it, read,
/// listed, check mode, deleted. The keys asserted are the ones amazon.aws 10 returns (recorded
/// from the collection against moto), typo'd `resource_records_sets` included.
final class Route53ModuleTests: AWSModuleTestCase {
    func testRecordsAreWrittenComparedOverwrittenReadAndDeleted() async throws {
        let server = try await moto()
        let runner = AWSModuleRunner(moto: server)
        let zone = "z\(UUID().uuidString.prefix(6).lowercased()).example.com"
        let session = server.session()
        defer { session.shutdown() }
        let created = try await session.route53().send("CreateHostedZone", "POST", path: "hostedzone", body: """
            <?xml version="1.0" encoding="UTF-8"?><CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/">\
            <Name>\(zone)</Name><CallerReference>\(UUID().uuidString)</CallerReference></CreateHostedZoneRequest>
            """, idempotent: false)
        let zoneID = Route53Client.bareID(created.string("HostedZone", "Id") ?? "")
        XCTAssertFalse(zoneID.isEmpty)

        func record(_ state: String, _ extra: OrderedDictionary<String, Value> = [:]) async throws -> TaskResult {
            let base: OrderedDictionary<String, Value> = ["state": .string(state), "zone": .string(zone), "record": .string("www.\(zone)"),
                                                          "type": "A", "ttl": 300, "value": .list(["192.0.2.10", "192.0.2.11"])]
            return try await runner.run(Route53Module(), base.merging(extra) { $1 })
        }
        runner.checkMode = true
        let wouldCreate = try await record("present")
        XCTAssertTrue(wouldCreate.changed)
        runner.checkMode = false
        let made = try await record("present", ["wait": true])
        XCTAssertTrue(made.changed, made.text)
        XCTAssertEqual(made["resource_record_sets"]?[0]?["values"], .list(["192.0.2.10", "192.0.2.11"]))
        XCTAssertEqual(made["resource_record_sets"]?[0]?["ttl"], "300", "the collection reports the TTL as text")
        XCTAssertTrue(made["wait_id"]?.renderedString.hasPrefix("/change/") ?? false, made.text)

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
        let missingZone = try await runner.run(Route53Module(), ["state": "get", "zone": "nowhere.example.org", "record": "a.nowhere.example.org",
                                                                 "type": "A"])
        XCTAssertTrue(missingZone.failed)
    }
}
