import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// The AWS side of a 4-instance deploy (fetch the build, find the old version, launch, register
/// and wait, drain the old version, stop it) on moto, where AWS itself takes no time: what is
/// left is `play`'s own work and the requests it makes. DESIGN.md's budget: <= 40 requests.
final class DeployBudgetTests: AWSModuleTestCase {
    func testAFourInstanceDeployStaysWithinTheRequestBudget() async throws {
        let server = try await moto()
        let f = try await AWSFixtures.make(server)
        let group = try await f.targetGroup("deploy")
        let app = "budget-\(UUID().uuidString.prefix(6).lowercased())"
        let old = try await f.instances(4, tags: ["app": app, "version": "1", "deployment": "d1"])
        try await f.session.elbv2().registerTargets(targetGroupARN: group.arn, targets: old.map { ELBv2Target(id: $0) })
        let bucket = "b-\(app)"
        try await f.session.s3().createBucket(bucket)
        try await f.session.s3().putObject(bucket: bucket, key: "\(app)/2/\(app)-2.tar.gz", data: Data(repeating: 7, count: 200_000))
        let dir = try TemporaryDirectory()

        let runner = AWSModuleRunner(moto: server)
        let clock = ContinuousClock()
        var steps: [(String, Duration, Int)] = []
        func step(_ name: String, _ module: any Module, _ args: OrderedDictionary<String, Value>) async throws -> TaskResult {
            let before = runner.metrics.requests
            let start = clock.now
            let result = try await runner.run(module, args)
            steps.append((name, clock.now - start, runner.metrics.requests - before))
            XCTAssertFalse(result.failed, "\(name): \(result.text)")
            return result
        }
        let total = clock.now
        _ = try await step("s3_fetch", S3FetchModule(), ["bucket": .string(bucket), "key": .string("\(app)/2/\(app)-2.tar.gz"), "dest": .string(dir.path + "/")])
        let serving = try await step("ec2_info", EC2InfoModule(), ["tags": ["app": .string(app)], "states": ["pending", "running"]])
        XCTAssertEqual(Set(serving.strings("instance_ids")), Set(old))
        let launch = try await step("ec2_launch", EC2LaunchModule(), [
            "image_id": .string(f.imageID), "subnet_id": .string(f.subnetID), "count": 4,
            "tags": ["app": .string(app), "version": "2", "deployment": "d2"],
        ])
        let new = launch.strings("instance_ids")
        XCTAssertEqual(new.count, 4)
        let registered = try await step("elb_register", ELBRegisterModule(), ["target_group_name": .string(group.name), "targets": .list(new.map(Value.string)), "port": 8080])
        XCTAssertEqual(registered.strings("healthy"), new)
        _ = try await step("elb_deregister", ELBDeregisterModule(), ["target_group_name": .string(group.name), "targets": .list(old.map(Value.string)), "port": 8080])
        _ = try await step("ec2_state", EC2StateModule(), ["instance_ids": .list(old.map(Value.string)), "state": "stopped"])
        let wall = clock.now - total

        let metrics = runner.metrics
        let report = steps.map { "\($0.0) \($0.2) requests \(Self.ms($0.1))" }.joined(separator: ", ")
        print("4-instance deploy on moto: \(metrics.requests) requests, wall \(Self.ms(wall)), "
            + "waiting for answers \(Int(metrics.requestTime * 1000)) ms; \(report)")
        XCTAssertEqual(steps.map(\.2), [2, 1, 4, 4, 3, 3], report)
        XCTAssertLessThanOrEqual(metrics.requests, 40)
        XCTAssertEqual(metrics.retries, 0)
        let state = try await f.registered(group)
        XCTAssertEqual(Set(state.keys), Set(new))
    }

    static func ms(_ d: Duration) -> String {
        "\(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000) ms"
    }
}
