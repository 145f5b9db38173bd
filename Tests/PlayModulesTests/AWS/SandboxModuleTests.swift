import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
@testable import PlayModules
import PlayTestSupport
import XCTest

/// The deploy modules against a private sandbox (sandbox/): an AWS endpoint whose status checks
/// say `initializing` until an instance's sshd answers and whose target health comes from real
/// HTTP checks (initial, healthy, unhealthy for the broken build 3, draining after deregistration),
/// in front of moto with signature checking on; nginx as the load balancer.
final class SandboxModuleTests: XCTestCase {
    func testLaunchRegisterAGoodAndABrokenBuildThenDrain() async throws {
        let sandbox = try PrivateSandbox.up()
        defer { sandbox.down() }
        let endpoint = sandbox.string("aws_endpoint_url")
        XCTAssertTrue(LoopbackOnlyTransport.isLoopback(URLComponents(string: endpoint)?.host ?? ""), endpoint)
        let runner = AWSModuleRunner(variables: [
            "aws_access_key_id": sandbox.credentials["aws_access_key_id"] ?? .null,
            "aws_secret_access_key": sandbox.credentials["aws_secret_access_key"] ?? .null,
            "aws_region": .string(sandbox.string("aws_region")), "aws_endpoint_url": .string(endpoint),
        ])
        let started = Date()

        // The newest build by version number, verified against the SHA-256 in its metadata.
        let dir = try TemporaryDirectory()
        let build = try await runner.run(S3FetchModule(), ["bucket": .string(sandbox.string("build_bucket")),
                                                           "prefix": .string(sandbox.string("build_prefix")),
                                                           "version": "latest", "dest": .string(dir.path + "/")])
        XCTAssertFalse(build.failed, build.text)
        XCTAssertEqual(build.string("version"), "3")
        XCTAssertEqual(build["sha256"]?.stringValue?.count, 64)

        // One instance of the good build 1 and one of the broken build 3 (baked AMIs).
        let images = sandbox.vars["app_images"]
        var ids: [String] = []
        for version in ["1", "3"] {
            let launched = try await runner.run(EC2LaunchModule(), [
                "image_id": images?[version] ?? .null, "subnet_id": .string(sandbox.string("subnet_id")),
                "key_name": .string(sandbox.string("key_name")), "count": 1,
                "tags": ["app": "th3-server", "version": .string(version), "deployment": .string("modules-test-\(version)")],
                "host_vars": ["ansible_port": 2222], "wait_timeout": 60,
            ])
            XCTAssertFalse(launched.failed, launched.text)
            ids += launched.strings("instance_ids")
        }
        XCTAssertEqual(ids.count, 2)

        let registered = try await runner.run(ELBRegisterModule(), [
            "target_group_name": .string(sandbox.string("target_group_name")), "targets": .list(ids.map(Value.string)),
            "port": 8080, "min_healthy": 1, "wait_timeout": 60,
        ])
        XCTAssertFalse(registered.failed, registered.text)
        XCTAssertEqual(registered.strings("healthy"), [ids[0]])
        XCTAssertEqual(registered.strings("unhealthy"), [ids[1]])
        XCTAssertEqual(registered.strings("deregistered"), [ids[1]])
        XCTAssertTrue(registered.message?.contains("Target.ResponseCodeMismatch") ?? false, registered.text)
        XCTAssertTrue(runner.progress.messages.contains { $0.contains("initial") }, "\(runner.progress.messages)")

        // The load balancer serves build 1 only.
        let served = try await runner.run(HealthWaitModule(), [
            "url": .string(sandbox.string("lb_url") + "/"), "body_regex": "\"version\": \"1\"", "consecutive": 5,
            "interval": 0.2, "timeout": 20,
        ])
        XCTAssertFalse(served.failed, served.text)

        let drained = try await runner.run(ELBDeregisterModule(), [
            "target_group_arn": .string(sandbox.string("target_group_arn")), "targets": .list(ids.map(Value.string)),
            "port": 8080, "wait_timeout": 60,
        ])
        XCTAssertFalse(drained.failed, drained.text)
        XCTAssertEqual(drained.strings("deregistered"), [ids[0]])
        XCTAssertTrue(runner.progress.messages.contains { $0.contains("draining") }, "\(runner.progress.messages)")

        let gone = try await runner.run(EC2StateModule(), ["instance_ids": .list(ids.map(Value.string)), "state": "terminated"])
        XCTAssertFalse(gone.failed, gone.text)
        let metrics = runner.metrics
        print("sandbox scenario: \(String(format: "%.1f", Date().timeIntervalSince(started))) s, \(metrics.requests) AWS requests, "
            + "\(String(format: "%.2f", metrics.requestTime)) s waiting for answers: \(metrics.requestsByOperation.sorted { $0.key < $1.key })")
    }
}
