import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
@testable import PlayModules
import PlayTestSupport
import XCTest

/// ecs_taskdefinition, ecs_taskdefinition_info, ecs_service and ecs_service_info against a real
/// moto_server (its ECS API; no containers run, see `ECSMoto`).
final class ECSModuleTests: ECSTestCase {
    private func container(_ image: String, name: String = "web") -> Value {
        ["name": .string(name), "image": .string(image), "memory": 256, "essential": true,
         "portMappings": [["containerPort": 8080, "hostPort": 8080]],
         "environment": [["name": "MODE", "value": "prod"]]]
    }

    func testImageUpdateRegistersOnlyWhenTheImageChanges() async throws {
        let moto = try await moto()
        let runner = AWSModuleRunner(moto: moto)
        let family = unique("web")
        let ecs = moto.session().ecs()

        let first = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "containers": [container("repo/web:aaa")],
                                                                      "memory": "512"])
        XCTAssertFalse(first.failed, first.text)
        XCTAssertTrue(first.changed)
        XCTAssertEqual(first["revision"], 1)
        XCTAssertEqual(first["previous_arn"], .null)

        let same = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "containers": [container("repo/web:aaa")],
                                                                     "memory": "512"])
        XCTAssertFalse(same.changed, same.text)
        XCTAssertEqual(same["revision"], 1)

        // Check mode says what would happen and registers nothing.
        runner.checkMode = true
        let preview = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "image": "repo/web:bbb"])
        runner.checkMode = false
        XCTAssertTrue(preview.changed, preview.text)
        XCTAssertEqual(preview.strings("images"), ["repo/web:bbb"])
        let afterPreview = try await ecs.listTaskDefinitions(family: family)
        XCTAssertEqual(afterPreview.count, 1)

        let updated = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "image": "repo/web:bbb"])
        XCTAssertTrue(updated.changed, updated.text)
        XCTAssertEqual(updated["revision"], 2)
        XCTAssertEqual(updated.string("previous_arn"), first.string("arn"))
        let described = try await ecs.describeTaskDefinition(family + ":2")
        XCTAssertEqual(described.images, ["repo/web:bbb"])
        // Everything but the image is carried over from the latest revision.
        XCTAssertEqual(described.containerDefinitions.first?["portMappings"]?[0]?["containerPort"], 8080)
        XCTAssertEqual(described.containerDefinitions.first?["environment"]?[0]?["value"], "prod")
        XCTAssertEqual(described.raw["memory"]?.renderedString, "512")

        let again = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "image": "repo/web:bbb"])
        XCTAssertFalse(again.changed, again.text)
        XCTAssertEqual(again["revision"], 2)
        let revisions = try await ecs.listTaskDefinitions(family: family)
        XCTAssertEqual(revisions.count, 2)
    }

    func testImageNeedsAnExistingFamilyAndAKnownContainer() async throws {
        let moto = try await moto()
        let runner = AWSModuleRunner(moto: moto)
        let family = unique("multi")

        let none = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "image": "repo/web:1"])
        XCTAssertTrue(none.failed)
        XCTAssertTrue(none.message?.contains("has no active revision") ?? false, none.text)

        _ = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family),
                                                              "containers": [container("repo/web:1"), container("repo/sidecar:1", name: "proxy")]])
        let ambiguous = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "image": "repo/web:2"])
        XCTAssertTrue(ambiguous.failed)
        XCTAssertTrue(ambiguous.message?.contains("web, proxy") ?? false, ambiguous.text)

        let unknown = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "image": "repo/web:2",
                                                                        "container_name": "nope"])
        XCTAssertTrue(unknown.failed)
        XCTAssertTrue(unknown.message?.contains("no container 'nope'") ?? false, unknown.text)

        let proxy = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "image": "repo/sidecar:2",
                                                                      "container_name": "proxy"])
        XCTAssertTrue(proxy.changed, proxy.text)
        XCTAssertEqual(proxy.strings("images"), ["repo/web:1", "repo/sidecar:2"])

        XCTAssertNotNil(runner.argumentError(ECSTaskDefinitionModule(), ["family": "x", "image": "a", "containers": []]))
    }

    func testServiceUpdateWaitsUntilStableAndReportsThePreviousRevision() async throws {
        let moto = try await moto()
        let runner = AWSModuleRunner(moto: moto)
        let cluster = unique("apps"), family = unique("api"), name = unique("svc")
        try await moto.session().ecs().createCluster(name: cluster)
        let v1 = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "containers": [container("repo/api:1")]])

        let created = try await runner.run(ECSServiceModule(), ["cluster": .string(cluster), "name": .string(name),
                                                                 "task_definition": .string(family), "desired_count": 2, "wait": true])
        XCTAssertFalse(created.failed, created.text)
        XCTAssertTrue(created.changed)
        XCTAssertEqual(created["service"]?["taskDefinition"]?.stringValue, v1.string("arn"))
        XCTAssertEqual(created["service"]?["runningCount"], 2)
        XCTAssertEqual(created["service"]?["deployments"]?.listValue?.count, 1)

        let v2 = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "image": "repo/api:2"])
        runner.checkMode = true
        let preview = try await runner.run(ECSServiceModule(), ["cluster": .string(cluster), "name": .string(name),
                                                                "task_definition": .string(v2.string("arn")!), "wait": true])
        runner.checkMode = false
        XCTAssertTrue(preview.changed, preview.text)
        let still = try await runner.run(ECSServiceInfoModule(), ["cluster": .string(cluster), "name": .string(name)])
        XCTAssertEqual(still["service"]?["taskDefinition"]?.stringValue, v1.string("arn"))
        XCTAssertEqual(still["exists"], true)

        let updated = try await runner.run(ECSServiceModule(), ["cluster": .string(cluster), "name": .string(name),
                                                                "task_definition": .string(v2.string("arn")!), "wait": true])
        XCTAssertTrue(updated.changed, updated.text)
        XCTAssertEqual(updated["service"]?["taskDefinition"]?.stringValue, v2.string("arn"))

        let again = try await runner.run(ECSServiceModule(), ["cluster": .string(cluster), "name": .string(name),
                                                              "task_definition": .string(family + ":2"), "desired_count": 2])
        XCTAssertFalse(again.changed, again.text)

        let info = try await runner.run(ECSTaskDefinitionInfoModule(), ["task_definition": .string(v2.string("arn")!)])
        XCTAssertEqual(info.string("previous"), v1.string("arn"))
        XCTAssertEqual(info.strings("revisions"), [v2.string("arn")!, v1.string("arn")!])

        // Roll back: the previous revision, then the rolled-back one deregistered.
        let back = try await runner.run(ECSServiceModule(), ["cluster": .string(cluster), "name": .string(name),
                                                             "task_definition": .string(info.string("previous")!), "wait": true])
        XCTAssertTrue(back.changed, back.text)
        XCTAssertEqual(back["service"]?["taskDefinition"]?.stringValue, v1.string("arn"))
        let gone = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "state": "absent", "revision": 2])
        XCTAssertTrue(gone.changed, gone.text)
        let goneAgain = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "state": "absent", "revision": 2])
        XCTAssertFalse(goneAgain.changed, goneAgain.text)
        // The family's latest active revision is 1 again, and a bare family resolves to it.
        let latest = try await runner.run(ECSTaskDefinitionInfoModule(), ["task_definition": .string(family)])
        XCTAssertEqual(latest["revision"], 1)
        XCTAssertEqual(latest["previous"], .null)
        let missing = try await runner.run(ECSServiceInfoModule(), ["cluster": .string(cluster), "name": "nope"])
        XCTAssertEqual(missing["exists"], false)
    }

    func testWaitFailsWhenTheServiceDoesNotGetStable() async throws {
        let moto = try await moto()
        let runner = AWSModuleRunner(moto: moto)
        let cluster = unique("apps"), family = unique("big"), name = unique("svc")
        try await moto.session().ecs().createCluster(name: cluster)
        _ = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "containers": [container("repo/big:1")]])

        // moto keeps 2 tasks running; 3 wanted never gets there.
        let started = Date()
        let result = try await runner.run(ECSServiceModule(), ["cluster": .string(cluster), "name": .string(name),
                                                               "task_definition": .string(family), "desired_count": .int(ECSMoto.runningTasks + 1),
                                                               "wait": true, "wait_timeout": 2])
        XCTAssertTrue(result.failed, result.text)
        XCTAssertTrue(result.message?.contains("not stable after") ?? false, result.text)
        XCTAssertTrue(result.message?.contains("2 of 3 running") ?? false, result.text)
        XCTAssertEqual(result["service"]?["runningCount"], .int(ECSMoto.runningTasks))
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertFalse(runner.progress.messages.isEmpty)

        let absent = try await runner.run(ECSServiceModule(), ["cluster": .string(cluster), "name": .string(unique("none"))])
        XCTAssertTrue(absent.failed)
        XCTAssertTrue(absent.message?.contains("Either task_definition or force_new_deployment") ?? false, absent.text)
    }
}
