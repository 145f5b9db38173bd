import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
@testable import PlayModules
import PlayTestSupport
import XCTest

/// health_wait against HTTP servers started on 127.0.0.1:0, and against a target group on moto.
final class HealthWaitModuleTests: AWSModuleTestCase {

    private func runner() async throws -> AWSModuleRunner {
        AWSModuleRunner(moto: try await moto())
    }

    func testWaitsForConsecutiveSuccessesOnEveryURL() async throws {
        let steady = try ScriptedHTTPServer([(200, "ok")])
        let flaky = try ScriptedHTTPServer([(503, "starting"), (200, "ok"), (500, "oops"), (200, "ok")])
        defer { steady.stop(); flaky.stop() }
        let runner = try await runner()
        let result = try await runner.run(HealthWaitModule(), [
            "urls": [.string(steady.url + "/health"), .string(flaky.url + "/health?deep=1")],
            "consecutive": 3, "interval": 0.1, "timeout": 10,
        ])
        XCTAssertFalse(result.failed, result.text)
        XCTAssertFalse(result.changed)
        let results = result["results"]?.listValue ?? []
        XCTAssertEqual(results.count, 2)
        XCTAssertEqual(results[0]["attempts"], 3)
        XCTAssertEqual(results[1]["attempts"], 6, "503, 200, 500 restart the count; then 200 x3")
        XCTAssertEqual(results[1]["ok"], true)
        XCTAssertEqual(flaky.requests, 6)
        XCTAssertEqual(steady.requests, 3, "a URL that is done is not asked again")
        XCTAssertTrue(runner.progress.messages.contains { $0.contains("health?deep=1 0/3") }, "\(runner.progress.messages)")
    }

    func testTimesOutWithTheLastStatusOfEachURL() async throws {
        let wrongBody = try ScriptedHTTPServer([(200, "{\"status\": \"degraded\"}")])
        defer { wrongBody.stop() }
        // A port that was free a moment ago: connection refused.
        let closed = try ScriptedHTTPServer([(200, "")])
        closed.stop()
        let runner = try await runner()
        let started = Date()
        let result = try await runner.run(HealthWaitModule(), [
            "urls": [.string(wrongBody.url), .string(closed.url)], "body_regex": "\"status\": \"(?P<s>ok)\"",
            "interval": 0.2, "timeout": 1,
        ])
        XCTAssertLessThan(Date().timeIntervalSince(started), 4)
        XCTAssertTrue(result.failed)
        let message = result.message ?? ""
        XCTAssertTrue(message.hasPrefix("not healthy after 1s"), message)
        XCTAssertTrue(message.contains("\(wrongBody.url): status 200 but the body does not match body_regex"), message)
        XCTAssertTrue(message.contains("\(closed.url): "), message)
        XCTAssertEqual(result["results"]?[1]?["status"], .null)
    }

    func testStatusCodeListAndCheckMode() async throws {
        let server = try ScriptedHTTPServer([(204, "")])
        defer { server.stop() }
        let runner = try await runner()
        let ok = try await runner.run(HealthWaitModule(), ["url": .string(server.url), "status_code": [200, 204], "consecutive": 1])
        XCTAssertFalse(ok.failed, ok.text)

        let failing = try ScriptedHTTPServer([(500, "")])
        defer { failing.stop() }
        runner.checkMode = true
        let check = try await runner.run(HealthWaitModule(), ["url": .string(failing.url), "timeout": 30])
        XCTAssertFalse(check.failed, "check mode looks once and does not wait: \(check.text)")
        XCTAssertEqual(failing.requests, 1)
        XCTAssertNotNil(runner.argumentError(HealthWaitModule(), ["consecutive": 2]), "needs a URL or a target group")
        let bad = try await runner.run(HealthWaitModule(), ["url": "ftp://127.0.0.1/x"])
        XCTAssertTrue(bad.failed)
    }

    func testWaitsForTheTargetGroupTooInOneCallPerRound() async throws {
        let server = try await moto()
        let f = try await AWSFixtures.make(server)
        let group = try await f.targetGroup()
        let ids = try await f.instances(2)
        try await f.session.elbv2().registerTargets(targetGroupARN: group.arn, targets: ids.map { ELBv2Target(id: $0) })
        let http = try ScriptedHTTPServer([(200, "ok")])
        defer { http.stop() }
        let transport = ScriptedTargetHealthTransport(CurlTransport(defaultTimeout: 10))
        let runner = AWSModuleRunner(moto: server, transport: transport)
        let result = try await runner.run(HealthWaitModule(), [
            "url": .string(http.url), "consecutive": 2, "interval": 0.2,
            "target_group_name": .string(group.name), "targets": .list(ids.map(Value.string)),
        ])
        XCTAssertFalse(result.failed, result.text)
        XCTAssertEqual(result["targets"]?[ids[0]], "healthy")
        XCTAssertEqual(runner.requests("ELBv2.DescribeTargetHealth"), 2, "one per round, two rounds")

        // Without targets: every registered target must be healthy.
        let all = try await runner.run(HealthWaitModule(), ["target_group_arn": .string(group.arn), "timeout": 5])
        XCTAssertFalse(all.failed, all.text)
        XCTAssertEqual(Set(all["targets"]?.dictValue?.keys.map { $0 } ?? []), Set(ids))
    }
}
