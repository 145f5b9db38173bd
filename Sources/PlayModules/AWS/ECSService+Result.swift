import OrderedCollections
import PlayAWS
import PlayBase

extension ECSService {
    /// The service as the ECS modules report it (snake_case keys, as amazon.aws's ecs_service_info).
    var resultValue: Value {
        .dict([
            "arn": .string(arn),
            "name": .string(name),
            "cluster_arn": clusterARN.map(Value.string) ?? .null,
            "status": status.map(Value.string) ?? .null,
            "task_definition": taskDefinition.map(Value.string) ?? .null,
            "desired_count": .int(desiredCount),
            "running_count": .int(runningCount),
            "pending_count": .int(pendingCount),
            "stable": .bool(isStable),
            "deployments": .list(deployments.map { deployment in
                .dict([
                    "id": .string(deployment.id),
                    "status": .string(deployment.status),
                    "task_definition": deployment.taskDefinition.map(Value.string) ?? .null,
                    "desired_count": .int(deployment.desiredCount),
                    "running_count": .int(deployment.runningCount),
                    "pending_count": .int(deployment.pendingCount),
                    "rollout_state": deployment.rolloutState.map(Value.string) ?? .null,
                ])
            }),
        ])
    }

    /// "2 of 3 running, 2 deployments" for progress lines and failures.
    var progressSummary: String {
        "\(runningCount) of \(desiredCount) running, \(deployments.count) deployment\(deployments.count == 1 ? "" : "s")"
            + (deployments.first?.rolloutState.map { " (\($0.lowercased()))" } ?? "")
    }
}
