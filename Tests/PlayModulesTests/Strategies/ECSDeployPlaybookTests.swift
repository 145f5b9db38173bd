import Foundation
import PlayAWS
import PlayBase
import PlayTestSupport
import XCTest

/// playbooks/ecs-deploy.yml run by the built `play` against moto's ECS API: deploy a tag, deploy
/// it again (nothing registered), roll back, roll back with nothing left, and a deploy that
/// never gets stable (rolled back by the playbook itself, exit code 2).
final class ECSDeployPlaybookTests: ECSTestCase {
    private struct Service {
        let cluster: String, name: String, family: String
    }

    /// A cluster, a family at revision 1 (`repo/web:v1`) and a service of `desired` tasks on it.
    private func service(_ moto: MotoServer, desired: Int) async throws -> Service {
        let ecs = moto.session().ecs()
        let made = Service(cluster: unique("apps"), name: unique("web"), family: unique("web"))
        try await ecs.createCluster(name: made.cluster)
        let v1 = try await ecs.registerTaskDefinition(family: made.family, containerDefinitions: [
            ["name": "web", "image": "repo/web:v1", "memory": 256, "portMappings": [["containerPort": 8080]]],
        ])
        try await ecs.createService(cluster: made.cluster, name: made.name, taskDefinition: v1.arn, desiredCount: desired)
        return made
    }

    /// A directory with an inventory and a vars file naming moto and the service.
    private func workspace(_ moto: MotoServer, _ service: Service) async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        // The bucket that keeps the deploy lock and journal.
        let lockBucket = unique("locks")
        try await moto.session().s3().createBucket(lockBucket)
        try directory.write("inventory", "localhost ansible_connection=local\n")
        var variables = moto.variables.mapValues(\.renderedString)
        variables["ecs_cluster"] = service.cluster
        variables["ecs_service"] = service.name
        variables["ecs_family"] = service.family
        variables["ecs_container"] = "web"
        variables["ecs_image"] = "repo/web"
        variables["ecs_wait_timeout"] = "3"
        variables["lock_bucket"] = lockBucket
        let json = try JSONSerialization.data(withJSONObject: variables, options: [.sortedKeys])
        try directory.write("ecs.json", String(decoding: json, as: UTF8.self), mode: 0o600)
        return directory
    }

    private func play(_ directory: TemporaryDirectory, _ extra: [String]) throws -> PlayBinary.Result {
        try PlayBinary.run([PlayBinary.playbooks + "/ecs-deploy.yml", "-i", directory.file("inventory"),
                            "-e", "@" + directory.file("ecs.json")] + extra, cwd: directory.path)
    }

    private func running(_ moto: MotoServer, _ service: Service) async throws -> ECSTaskDefinition {
        let ecs = moto.session().ecs()
        let found = try await ecs.describeServices(cluster: service.cluster, services: [service.name]).services
        return try await ecs.describeTaskDefinition(try XCTUnwrap(found.first?.taskDefinition))
    }

    func testDeployAgainAndRollBack() async throws {
        let moto = try await moto()
        let service = try await service(moto, desired: ECSMoto.runningTasks)
        let directory = try await workspace(moto, service)
        let ecs = moto.session().ecs()

        let deploy = try play(directory, ["-e", "tag=3f2a9c1"])
        XCTAssertEqual(deploy.exitCode, 0, deploy.output)
        var now = try await running(moto, service)
        XCTAssertEqual(now.revision, 2)
        XCTAssertEqual(now.images, ["repo/web:3f2a9c1"])
        XCTAssertEqual(now.containerDefinitions.first?["portMappings"]?[0]?["containerPort"], 8080)
        XCTAssertFalse(deploy.output.contains(moto.secretKey))

        let again = try play(directory, ["-e", "tag=3f2a9c1"])
        XCTAssertEqual(again.exitCode, 0, again.output)
        XCTAssertTrue(again.output.contains("changed=0"), again.output)
        let revisions = try await ecs.listTaskDefinitions(family: service.family)
        XCTAssertEqual(revisions.count, 2)

        let rollback = try play(directory, ["--tags", "rollback"])
        XCTAssertEqual(rollback.exitCode, 0, rollback.output)
        now = try await running(moto, service)
        XCTAssertEqual(now.revision, 1)
        XCTAssertEqual(now.images, ["repo/web:v1"])
        // The revision rolled back from is deregistered: the next deploy builds on revision 1.
        let active = try await ecs.listTaskDefinitions(family: service.family)
        XCTAssertEqual(active.count, 1)

        let nothingLeft = try play(directory, ["--tags", "rollback"])
        XCTAssertEqual(nothingLeft.exitCode, 2, nothingLeft.output)
        XCTAssertTrue(nothingLeft.output.contains("No revision to go back to"), nothingLeft.output)

        let missingTag = try play(directory, [])
        XCTAssertEqual(missingTag.exitCode, 2, missingTag.output)
        XCTAssertTrue(missingTag.output.contains("-e tag=<git hash>"), missingTag.output)
    }

    func testDeployThatNeverGetsStableGoesBack() async throws {
        let moto = try await moto()
        // moto keeps 2 tasks running: a service wanting 3 never gets stable.
        let service = try await service(moto, desired: ECSMoto.runningTasks + 1)
        let directory = try await workspace(moto, service)

        let deploy = try play(directory, ["-e", "tag=badbad1"])
        XCTAssertEqual(deploy.exitCode, 2, deploy.output)
        XCTAssertTrue(deploy.output.contains("not stable after"), deploy.output)
        XCTAssertTrue(deploy.output.contains("rescued=1"), deploy.output)
        let now = try await running(moto, service)
        XCTAssertEqual(now.revision, 1)
        XCTAssertEqual(now.images, ["repo/web:v1"])
        let active = try await moto.session().ecs().listTaskDefinitions(family: service.family)
        XCTAssertEqual(active.count, 1, "the failed revision is deregistered")
    }
}
