import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
@testable import PlayModules
import PlayTestSupport
import XCTest

/// A rollout the circuit breaker fails ends the wait at once, with ECS's reason.
final class ECSServiceRolloutTests: ECSTestCase {
    func testAFailedRolloutFailsTheWaitAtOnce() async throws {
        let moto = try await moto()
        let transport = FailedRolloutTransport(CurlTransport(defaultTimeout: 10))
        let runner = AWSModuleRunner(moto: moto, transport: transport)
        let cluster = unique("cb"), family = unique("web"), name = unique("svc")
        try await moto.session().ecs().createCluster(name: cluster)
        _ = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family),
                                                              "containers": [["name": "web", "image": "th3-server:9", "memory": 128]]])
        transport.arm()
        runner.resetMetrics()
        let result = try await runner.run(ECSServiceModule(), [
            "cluster": .string(cluster), "name": .string(name), "task_definition": .string(family), "desired_count": 1,
            "deployment_configuration": ["deployment_circuit_breaker": ["enable": true, "rollback": true]],
            "wait": true, "wait_timeout": 600,
        ])
        XCTAssertTrue(result.failed, result.text)
        XCTAssertTrue(result.message?.contains("the deployment of \(family):1 failed: \(FailedRolloutTransport.reason)") ?? false, result.text)
        XCTAssertEqual(result["changed"], true)
        XCTAssertEqual(result["service"]?["deployments"]?[0]?["rolloutState"], "FAILED")
        // Failed on the first look: no polling until the timeout.
        XCTAssertEqual(runner.requests("ECS.DescribeServices"), 2, "one to find the service, one poll")
    }
}
