import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// ecs_service's collection arguments against a real moto_server: a Fargate service behind a
/// target group whose `wait` also needs the group's targets healthy (play's extension), updates,
/// and deletion (absent, deleting).
final class ECSServiceLifecycleTests: ECSTestCase {
    private func fargateDefinition(_ runner: AWSModuleRunner, family: String) async throws -> TaskResult {
        try await runner.run(ECSTaskDefinitionModule(), [
            "family": .string(family), "network_mode": "awsvpc", "launch_type": "FARGATE", "cpu": "256", "memory": "512",
            "containers": [["name": "web", "image": "th3-server:1", "memory": 256, "essential": true, "portMappings": [["containerPort": 8080]]]],
        ])
    }

    func testWaitNeedsTheTargetGroupHealthyAndAbsentDeletes() async throws {
        let moto = try await moto()
        let runner = AWSModuleRunner(moto: moto)
        let session = moto.session()
        let cluster = unique("lb"), family = unique("web"), name = unique("svc")
        try await session.ecs().createCluster(name: cluster)
        let network = try await fargateNetwork(moto, cidr: 61)
        let subnets = try await session.ec2().describeSubnets(subnetIDs: [network.subnet])
        let vpc = try XCTUnwrap(subnets.first?.vpcID)
        let group = try await session.elbv2().createTargetGroup(ELBv2CreateTargetGroupRequest(
            name: unique("tg"), port: 8080, vpcID: vpc, targetType: "ip"))
        let definition = try await fargateDefinition(runner, family: family)
        XCTAssertTrue(definition.changed, definition.text)
        XCTAssertEqual(definition["taskdefinition"]?["networkMode"], "awsvpc")
        XCTAssertEqual(definition["taskdefinition"]?["requiresCompatibilities"], ["FARGATE"])

        let args: OrderedDictionary<String, Value> = [
            "cluster": .string(cluster), "name": .string(name), "state": "present", "task_definition": .string(family),
            "desired_count": .int(ECSMoto.runningTasks), "launch_type": "FARGATE",
            "network_configuration": ["subnets": [.string(network.subnet)], "security_groups": [.string(network.groupName)],
                                      "assign_public_ip": true],
            "load_balancers": [["targetGroupArn": .string(group.arn), "containerName": "web", "containerPort": "8080"]],
            "health_check_grace_period_seconds": 30,
            "deployment_configuration": ["minimum_healthy_percent": "50", "maximum_percent": 200,
                                         "deployment_circuit_breaker": ["enable": true, "rollback": "yes"]],
        ]
        // Running = desired at once in moto, but no target is healthy: not stable.
        var waiting = args
        waiting["wait"] = true
        waiting["wait_timeout"] = 2
        let unhealthy = try await runner.run(ECSServiceModule(), waiting)
        XCTAssertTrue(unhealthy.failed, unhealthy.text)
        XCTAssertTrue(unhealthy.message?.contains("0 of 2 targets healthy") ?? false, unhealthy.text)
        XCTAssertEqual(unhealthy["service"]?["loadBalancers"]?[0]?["containerPort"], 8080)
        let described = try await ECSServiceModule.describeRaw(session.ecs(), cluster: cluster, name: name)
        XCTAssertEqual(described?["launchType"], "FARGATE")
        XCTAssertEqual(described?["networkConfiguration"]?["awsvpcConfiguration"]?["assignPublicIp"], "ENABLED")
        // The group given by name is sent as its id, looked up in the subnet's VPC.
        XCTAssertEqual(described?["networkConfiguration"]?["awsvpcConfiguration"]?["securityGroups"], [.string(network.group)])

        try await session.elbv2().registerTargets(targetGroupARN: group.arn, targets: [
            ELBv2Target(id: "10.61.0.10", port: 8080), ELBv2Target(id: "10.61.0.11", port: 8080),
        ])
        // moto's CreateService drops the grace period and the deployment configuration (its
        // UpdateService keeps them), so this run updates the service: then it waits, now healthy.
        let healthy = try await runner.run(ECSServiceModule(), waiting)
        XCTAssertFalse(healthy.failed, healthy.text)
        XCTAssertEqual(healthy["service"]?["runningCount"], .int(ECSMoto.runningTasks))
        XCTAssertEqual(healthy["service"]?["healthCheckGracePeriodSeconds"], 30)
        XCTAssertEqual(healthy["service"]?["deploymentConfiguration"]?["minimumHealthyPercent"], 50)
        XCTAssertEqual(healthy["service"]?["deploymentConfiguration"]?["deploymentCircuitBreaker"]?["rollback"], true)
        let steady = try await runner.run(ECSServiceModule(), waiting)
        XCTAssertFalse(steady.failed, steady.text)
        XCTAssertFalse(steady.changed, steady.text)

        // A new deployment of the same revision is a change (and what `force_new_deployment` is for).
        var forced = args
        forced["force_new_deployment"] = true
        let redeployed = try await runner.run(ECSServiceModule(), forced)
        XCTAssertTrue(redeployed.changed, redeployed.text)

        runner.checkMode = true
        let preview = try await runner.run(ECSServiceModule(), ["cluster": .string(cluster), "name": .string(name), "state": "absent"])
        runner.checkMode = false
        XCTAssertTrue(preview.changed, preview.text)
        XCTAssertEqual(preview["ansible_facts"]?["status"], "ACTIVE")
        XCTAssertNil(preview["ansible_facts"]?["deployments"])

        let gone = try await runner.run(ECSServiceModule(), ["cluster": .string(cluster), "name": .string(name), "state": "absent",
                                                             "force_deletion": true, "wait": true, "delay": 0, "repeat": 5])
        XCTAssertFalse(gone.failed, gone.text)
        XCTAssertTrue(gone.changed, gone.text)
        let again = try await runner.run(ECSServiceModule(), ["cluster": .string(cluster), "name": .string(name), "state": "absent"])
        XCTAssertFalse(again.changed, again.text)
        let deleting = try await runner.run(ECSServiceModule(), ["cluster": .string(cluster), "name": .string(name), "state": "deleting",
                                                                 "delay": 0, "repeat": 2])
        XCTAssertTrue(deleting.changed, deleting.text)
        let never = try await runner.run(ECSServiceModule(), ["cluster": .string(cluster), "name": .string(unique("none")),
                                                              "state": "deleting", "delay": 0, "repeat": 1])
        XCTAssertTrue(never.failed)
        XCTAssertTrue(never.message?.contains("not found") ?? false, never.text)
    }

    /// With tasks that have IPs (awsvpc), each running task's IP must be healthy in the group.
    /// (moto starts no tasks for services and lists every task of the cluster for a service, so
    /// the tasks are started with RunTask, and held RUNNING.)
    func testWaitNeedsEachTaskIPHealthy() async throws {
        let moto = try await moto()
        let runner = AWSModuleRunner(moto: moto)
        let session = moto.session()
        let cluster = unique("ip"), family = unique("web"), name = unique("svc")
        try await session.ecs().createCluster(name: cluster)
        let network = try await fargateNetwork(moto, cidr: 63)
        let subnets = try await session.ec2().describeSubnets(subnetIDs: [network.subnet])
        let group = try await session.elbv2().createTargetGroup(ELBv2CreateTargetGroupRequest(
            name: unique("tg"), port: 8080, vpcID: subnets.first?.vpcID, targetType: "ip"))
        _ = try await fargateDefinition(runner, family: family)
        try await ECSMoto.holdTasks(moto)
        let awsvpc: Value = ["awsvpcConfiguration": ["subnets": [.string(network.subnet)], "securityGroups": [.string(network.group)]]]
        let started = try await session.ecs().runTask(["cluster": .string(cluster), "taskDefinition": .string(family + ":1"),
                                                       "count": .int(ECSMoto.runningTasks), "launchType": "FARGATE",
                                                       "networkConfiguration": awsvpc])
        let ips = started.tasks.compactMap { task in
            task["attachments"]?[0]?["details"]?.listValue?.first { $0["name"] == "privateIPv4Address" }?["value"]?.stringValue
        }
        XCTAssertEqual(ips.count, ECSMoto.runningTasks)
        let arns = started.tasks.compactMap { $0["taskArn"]?.stringValue }
        let args: OrderedDictionary<String, Value> = [
            "cluster": .string(cluster), "name": .string(name), "task_definition": .string(family), "launch_type": "FARGATE",
            "desired_count": .int(ECSMoto.runningTasks), "network_configuration": ["subnets": [.string(network.subnet)], "security_groups": [.string(network.group)]],
            "load_balancers": [["targetGroupArn": .string(group.arn), "containerName": "web", "containerPort": 8080]],
            "wait": true, "wait_timeout": 2,
        ]
        try await session.elbv2().registerTargets(targetGroupARN: group.arn, targets: [ELBv2Target(id: ips[0], port: 8080)])
        let half = try await runner.run(ECSServiceModule(), args)
        XCTAssertTrue(half.failed, half.text)
        XCTAssertTrue(half.message?.contains("1 of 2 tasks not healthy yet") ?? false, half.text)
        try await session.elbv2().registerTargets(targetGroupARN: group.arn, targets: [ELBv2Target(id: ips[1], port: 8080)])
        let all = try await runner.run(ECSServiceModule(), args)
        XCTAssertFalse(all.failed, all.text)
        XCTAssertFalse(all.changed, all.text)
        // A task that stopped no longer counts, however healthy its old IP still looks.
        _ = try await session.ecs().stopTask(cluster: cluster, task: arns[0])
        let oneStopped = try await runner.run(ECSServiceModule(), args)
        XCTAssertTrue(oneStopped.failed, oneStopped.text)
        XCTAssertTrue(oneStopped.message?.contains("1 of 2 tasks running") ?? false, oneStopped.text)
    }

    func testCollectionRefusals() async throws {
        let moto = try await moto()
        let runner = AWSModuleRunner(moto: moto)
        let fargate = try await runner.run(ECSServiceModule(), ["name": "x", "task_definition": "x", "launch_type": "FARGATE"])
        XCTAssertTrue(fargate.failed)
        XCTAssertTrue(fargate.message?.contains("launch_type is FARGATE but all of the following are missing: network_configuration") ?? false,
                      fargate.text)
        let replica = try await runner.run(ECSServiceModule(), ["name": "x", "task_definition": "x", "scheduling_strategy": "REPLICA"])
        XCTAssertTrue(replica.message?.contains("missing desired_count") ?? false, replica.text)
        XCTAssertNotNil(runner.argumentError(ECSServiceModule(), ["name": "x", "launch_type": "EC2",
                                                                  "capacity_provider_strategy": [["capacity_provider": "FARGATE"]]]))

        let family = unique("td")
        let bridgeFargate = try await runner.run(ECSTaskDefinitionModule(), [
            "family": .string(family), "launch_type": "FARGATE", "cpu": "256", "memory": "512",
            "containers": [["name": "web", "image": "a:1", "memory": 128]],
        ])
        XCTAssertTrue(bridgeFargate.message?.contains("network_mode must be awsvpc") ?? false, bridgeFargate.text)
        let pinned = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "revision": 3,
                                                                      "containers": [["name": "web", "image": "a:1", "memory": 128]]])
        XCTAssertTrue(pinned.message?.contains("a created revision would be 1") ?? false, pinned.text)
        let first = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "revision": 1,
                                                                     "containers": [["name": "web", "image": "a:1", "memory": 128]]])
        XCTAssertTrue(first.changed, first.text)
        XCTAssertEqual(first["taskdefinition"]?["networkMode"], "bridge")
        XCTAssertEqual(first["taskdefinition"]?["runtimePlatform"]?["cpuArchitecture"], "X86_64")
        let forced = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "force_create": true,
                                                                      "containers": [["name": "web", "image": "a:1", "memory": 128]]])
        XCTAssertEqual(forced["revision"], 2, forced.text)
        // An older revision with exactly these containers is found: nothing registered.
        let old = try await runner.run(ECSTaskDefinitionModule(), ["family": .string(family), "containers": [["name": "web", "image": "a:1", "memory": 128]]])
        XCTAssertFalse(old.changed, old.text)
        XCTAssertEqual(old["revision"], 1)
        let changedEnv = try await runner.run(ECSTaskDefinitionModule(), [
            "family": .string(family), "containers": [["name": "web", "image": "a:1", "memory": 128, "environment": [["name": "A", "value": "1"]]]],
        ])
        XCTAssertTrue(changedEnv.changed, changedEnv.text)
        let otherEnv = try await runner.run(ECSTaskDefinitionModule(), [
            "family": .string(family), "containers": [["name": "web", "image": "a:1", "memory": 128, "environment": [["name": "A", "value": "2"]]]],
        ])
        XCTAssertTrue(otherEnv.changed, otherEnv.text)
        XCTAssertEqual(otherEnv["revision"], 4)
    }
}
