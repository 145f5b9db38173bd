import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
@testable import PlayModules
import PlayTestSupport
import XCTest

/// ecs_task (a one-off task run and waited for until it exits, with its containers' exit codes)
/// and ecs_ecr (repositories, their policies and settings) against a real moto_server. moto runs
/// no containers: its tasks stay RUNNING until stopped, then report exit code 0.
final class ECSTaskAndECRTests: ECSTestCase {
    func testRunWaitsForTheExitCodesAndStopIsIdempotent() async throws {
        let moto = try await moto()
        let runner = AWSModuleRunner(moto: moto)
        let ecs = moto.session().ecs()
        let cluster = unique("jobs"), family = unique("migrate")
        try await ecs.createCluster(name: cluster)
        let network = try await fargateNetwork(moto, cidr: 62)
        let definition = try await runner.run(ECSTaskDefinitionModule(), [
            "family": .string(family), "network_mode": "awsvpc", "launch_type": "FARGATE", "cpu": "256", "memory": "512",
            "containers": [["name": "migrate", "image": "th3-server:2", "memory": 256, "command": ["migrate"]]],
        ])
        XCTAssertTrue(definition.changed, definition.text)
        let args: OrderedDictionary<String, Value> = [
            "operation": "run", "cluster": .string(cluster), "task_definition": .string(family + ":1"), "launch_type": "FARGATE",
            "network_configuration": ["subnets": [.string(network.subnet)], "security_groups": [.string(network.group)]], "started_by": "play", "wait_for_exit": true,
        ]

        runner.checkMode = true
        let preview = try await runner.run(ECSTaskModule(), args)
        runner.checkMode = false
        XCTAssertTrue(preview.changed, preview.text)
        let none = try await ecs.listTasks(cluster: cluster)
        XCTAssertEqual(none, [])

        // The task never stops by itself in moto: the wait times out, saying what it saw.
        var short = args
        short["wait_timeout"] = 1
        let timedOut = try await runner.run(ECSTaskModule(), short)
        XCTAssertTrue(timedOut.failed, timedOut.text)
        XCTAssertTrue(timedOut.message?.contains("tasks not STOPPED after") ?? false, timedOut.text)
        XCTAssertEqual(timedOut["task"]?[0]?["startedBy"], "play")

        // Stopped by someone else while the module waits: it reports each container's exit code.
        var long = args
        long["wait_timeout"] = 30
        let running = Task { try await runner.run(ECSTaskModule(), long) }
        var stoppedOne = false
        for _ in 0..<50 where !stoppedOne {
            let arns = try await ecs.listTasks(cluster: cluster, desiredStatus: "RUNNING")
            let fresh = arns.filter { arn in !(timedOut["task"]?[0]?["taskArn"]?.stringValue == arn) }
            if let arn = fresh.first {
                _ = try await ecs.stopTask(cluster: cluster, task: arn, reason: "done")
                stoppedOne = true
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        XCTAssertTrue(stoppedOne)
        let finished = try await running.value
        XCTAssertFalse(finished.failed, finished.text)
        XCTAssertTrue(finished.changed)
        XCTAssertEqual(finished["exit_code"], 0)
        XCTAssertEqual(finished["exit_codes"], [["migrate": 0]])
        XCTAssertEqual(finished["task"]?[0]?["lastStatus"], "STOPPED")

        let arn = try XCTUnwrap(finished["task"]?[0]?["taskArn"]?.stringValue)
        let stopAgain = try await runner.run(ECSTaskModule(), ["operation": "stop", "cluster": .string(cluster),
                                                               "task_definition": .string(family), "task": .string(arn)])
        XCTAssertFalse(stopAgain.changed, stopAgain.text)
        let leftover = try XCTUnwrap(timedOut["task"]?[0]?["taskArn"]?.stringValue)
        let stop = try await runner.run(ECSTaskModule(), ["operation": "stop", "cluster": .string(cluster), "wait": true,
                                                          "task_definition": .string(family), "task": .string(leftover)])
        XCTAssertTrue(stop.changed, stop.text)
        XCTAssertEqual(stop["task"]?["lastStatus"], "STOPPED")

        let missing = try await runner.run(ECSTaskModule(), ["operation": "stop", "cluster": .string(cluster), "task_definition": "x"])
        XCTAssertTrue(missing.message?.contains("operation is stop but all of the following are missing: task") ?? false, missing.text)
    }

    func testRepositoryPoliciesAndSettings() async throws {
        let moto = try await moto()
        let runner = AWSModuleRunner(moto: moto)
        let name = "apps/" + unique("web")
        let lifecycle: Value = ["rules": [["rulePriority": 1, "description": "keep 5", "action": ["type": "expire"],
                                           "selection": ["tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 5]]]]
        let policy = #"{"Version": "2012-10-17", "Statement": [{"Sid": "pull", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}"#
        let args: OrderedDictionary<String, Value> = ["name": .string(name), "scan_on_push": true, "image_tag_mutability": "immutable",
                                                      "lifecycle_policy": lifecycle, "policy": .string(policy)]
        runner.checkMode = true
        let preview = try await runner.run(ECSECRModule(), args)
        runner.checkMode = false
        XCTAssertTrue(preview.changed, preview.text)
        XCTAssertEqual(preview["skipped"], true)
        let notMade = try await moto.session().ecr().describeRepository(name)
        XCTAssertNil(notMade)

        let made = try await runner.run(ECSECRModule(), args)
        XCTAssertFalse(made.failed, made.text)
        XCTAssertTrue(made.changed)
        XCTAssertEqual(made["created"], true)
        XCTAssertEqual(made["repository"]?["imageTagMutability"], "IMMUTABLE")
        XCTAssertEqual(made["repository"]?["imageScanningConfiguration"]?["scanOnPush"], true)
        XCTAssertEqual(made["policy"]?["Statement"]?[0]?["Action"], ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])

        // The same documents written another way (key order, action order) are no change.
        var same = args
        same["policy"] = .string(#"{"Statement": [{"Action": ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], "Principal": "*", "Effect": "Allow", "Sid": "pull"}], "Version": "2012-10-17"}"#)
        let again = try await runner.run(ECSECRModule(), same)
        XCTAssertFalse(again.changed, again.text)
        XCTAssertEqual(again["created"], false)

        let loosened = try await runner.run(ECSECRModule(), ["name": .string(name), "purge_policy": true, "purge_lifecycle_policy": true])
        XCTAssertTrue(loosened.changed, loosened.text)
        XCTAssertEqual(loosened["repository"]?["imageTagMutability"], "MUTABLE")
        XCTAssertEqual(loosened["policy"], .null)
        let policyLeft = try await moto.session().ecr().repositoryPolicy(name)
        let lifecycleLeft = try await moto.session().ecr().lifecyclePolicy(name)
        XCTAssertNil(policyLeft)
        XCTAssertNil(lifecycleLeft)

        let bad = try await runner.run(ECSECRModule(), ["name": .string(name), "policy": "{not json"])
        XCTAssertTrue(bad.failed)
        XCTAssertEqual(bad.message, "Could not parse policy")

        let gone = try await runner.run(ECSECRModule(), ["name": .string(name), "state": "absent", "force_absent": true])
        XCTAssertTrue(gone.changed, gone.text)
        let goneAgain = try await runner.run(ECSECRModule(), ["name": .string(name), "state": "absent"])
        XCTAssertFalse(goneAgain.changed, goneAgain.text)
    }
}
