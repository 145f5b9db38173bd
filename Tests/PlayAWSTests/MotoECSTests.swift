import Foundation
import XCTest
import PlayBase
@testable import PlayAWS

/// ECS (JSON 1.1) against a real moto_server: the container deploy flow at API level.
final class MotoECSTests: MotoTestCase, @unchecked Sendable {
    func testRegisterUpdateDescribe() async throws {
        let ecs = session.ecs()
        let cluster = try await ecs.createCluster(name: "apps")
        XCTAssertTrue(cluster.hasPrefix("arn:aws:ecs:us-east-1:123456789012:cluster/apps"), cluster)

        let container: Value = [
            "name": "web", "image": "registry.local/th3-server:1.4.2", "memory": 256, "essential": true,
            "portMappings": [["containerPort": 8080, "hostPort": 8080]],
            "environment": [["name": "MODE", "value": "prod"]],
        ]
        let v1 = try await ecs.registerTaskDefinition(family: "web", containerDefinitions: [container])
        XCTAssertEqual(v1.family, "web")
        XCTAssertEqual(v1.revision, 1)
        XCTAssertEqual(v1.images, ["registry.local/th3-server:1.4.2"])
        XCTAssertEqual(v1.containerDefinitions.first?["portMappings"]?[0]?["containerPort"], 8080)

        _ = try await ecs.createService(cluster: "apps", name: "web", taskDefinition: v1.arn, desiredCount: 2)

        var next = container
        if case .dict(var fields) = next { fields["image"] = "registry.local/th3-server:1.4.3"; next = .dict(fields) }
        let v2 = try await ecs.registerTaskDefinition(family: "web", containerDefinitions: [next],
                                                      extra: ["cpu": "256", "memory": "512"])
        XCTAssertEqual(v2.revision, 2)
        let described = try await ecs.describeTaskDefinition("web:2")
        XCTAssertEqual(described.images, ["registry.local/th3-server:1.4.3"])
        XCTAssertEqual(described.arn, v2.arn)

        let updated = try await ecs.updateService(cluster: "apps", service: "web", taskDefinition: v2.arn, desiredCount: 3)
        XCTAssertEqual(updated.taskDefinition, v2.arn)
        XCTAssertEqual(updated.desiredCount, 3)

        let (services, failures) = try await ecs.describeServices(cluster: "apps", services: ["web", "nope"])
        XCTAssertEqual(services.map(\.name), ["web"])
        XCTAssertEqual(services.first?.taskDefinition, v2.arn)
        XCTAssertFalse(services.first?.deployments.isEmpty ?? true)
        XCTAssertEqual(failures.map(\.reason), ["MISSING"])
    }

    func testErrorsCarryTheJSONType() async throws {
        do {
            _ = try await session.ecs().describeTaskDefinition("nope:7")
            XCTFail("expected an error")
        } catch let error as AWSError {
            XCTAssertEqual(error.service, "ECS")
            XCTAssertEqual(error.operation, "DescribeTaskDefinition")
            XCTAssertEqual(error.kind, .service)
            XCTAssertFalse(error.code.contains("#"), error.code)
            XCTAssertEqual(error.httpStatus, 400)
        }
    }
}
