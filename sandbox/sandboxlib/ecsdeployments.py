"""ECS service deployments as DescribeServices shows them (the scheduler in ecs.py moves them)."""

import math
import random
import time


def deployment_id():
    return "ecs-svc/" + "".join(random.choice("0123456789") for _ in range(19))


def circuit_threshold(desired):
    """Failed tasks that trip the deployment circuit breaker: half the desired count, 3 to 200."""
    return max(3, min(200, math.ceil(desired * 0.5)))


def new(svc, taskdef_arn, network):
    """Makes a new PRIMARY deployment of taskdef_arn (the one before becomes ACTIVE); returns it."""
    for dep in svc["deployments"]:
        if dep["status"] == "PRIMARY":
            dep["status"] = "ACTIVE"
    t = time.time()
    dep = {"id": deployment_id(), "status": "PRIMARY", "taskDefinition": taskdef_arn,
           "desiredCount": svc["desiredCount"], "pendingCount": 0, "runningCount": 0, "failedTasks": 0,
           "createdAt": t, "updatedAt": t, "launchType": svc["launchType"], "rolloutState": "IN_PROGRESS"}
    dep["rolloutStateReason"] = f"ECS deployment {dep['id']} in progress."
    if svc["launchType"] == "FARGATE":
        dep["platformVersion"], dep["platformFamily"] = "1.4.0", "Linux"
    if network:
        dep["networkConfiguration"] = network
    svc["deployments"].insert(0, dep)
    svc["taskDefinition"] = taskdef_arn
    return dep
