"""The ECS calls the sandbox answers itself, after moto accepted them (signature, cluster, names).

The AWS endpoint forwards every ECS request to moto unchanged, then hands the fleet agent the
request, moto's status and moto's answer (POST /ecs); `handle` returns the answer to send:
  CreateService / UpdateService   the service is recorded (deploymentConfiguration, grace period,
                                  load balancers: moto drops them); a new task definition or
                                  forceNewDeployment starts a deployment
  DeleteService                   the service drains: its tasks are deregistered and stopped
  DescribeServices (and the three above)  runningCount, pendingCount, deployments with
                                  rolloutState, events, deploymentConfiguration from the scheduler
  RunTask / StopTask / DescribeTasks / ListTasks   answered from the sandbox's own tasks
moto answers 500 to RunTask of the EC2 launch type without container instances and to StopTask of
a task it does not know: the request got past authentication, so the sandbox answers instead.
"""

from botocore.exceptions import BotoCoreError, ClientError

TASK_ACTIONS = {"RunTask", "StopTask", "DescribeTasks", "ListTasks"}
SERVICE_ACTIONS = {"CreateService", "UpdateService", "DeleteService", "DescribeServices"}


def error(code, message, status=400):
    return status, {"__type": code, "message": message}


def cluster_matches(cluster_arn, ref):
    ref = ref or "default"
    return cluster_arn == ref or cluster_arn.rsplit("/", 1)[-1] == ref


def resolve_cluster(ecs, ref):
    ref = ref or "default"
    clusters = ecs.client.describe_clusters(clusters=[ref]).get("clusters", [])
    active = [c for c in clusters if c.get("status") == "ACTIVE"]
    if not active:
        raise LookupError("Cluster not found.")
    return active[0]["clusterArn"]


def handle(ecs, action, request, status, response):
    request = request or {}
    if action in SERVICE_ACTIONS:
        if status != 200:
            return status, response
        return 200, services(ecs, action, request, response)
    if action not in TASK_ACTIONS or status not in (200, 500):
        return status, response
    try:
        return tasks(ecs, action, request, response if status == 200 else None)
    except LookupError as e:
        return error("ClusterNotFoundException", str(e))
    except ClientError as e:
        return error(e.response["Error"]["Code"], e.response["Error"].get("Message", str(e)))
    except BotoCoreError as e:
        return error("ServerException", str(e), 500)


# -------------------------------------------------------------------- services
def new_service(ecs, moto_svc, request):
    cfg = request.get("deploymentConfiguration") or {}
    return {
        "arn": moto_svc["serviceArn"], "name": moto_svc["serviceName"], "clusterArn": moto_svc["clusterArn"],
        "status": "ACTIVE", "desiredCount": int(request.get("desiredCount") or 0),
        "launchType": request.get("launchType") or moto_svc.get("launchType") or "EC2",
        "loadBalancers": request.get("loadBalancers") or [],
        "healthCheckGracePeriodSeconds": int(request.get("healthCheckGracePeriodSeconds") or 0),
        "deploymentConfiguration": deployment_config(cfg, {}),
        "taskDefinition": None, "deployments": [], "events": [], "runningCount": 0, "pendingCount": 0,
        "lastCompleted": None,
    }


def deployment_config(cfg, old):
    out = {"maximumPercent": 200, "minimumHealthyPercent": 100,
           "deploymentCircuitBreaker": {"enable": False, "rollback": False}}
    out.update({k: v for k, v in old.items()})
    for key in ("maximumPercent", "minimumHealthyPercent"):
        if cfg.get(key) is not None:
            out[key] = int(cfg[key])
    if cfg.get("deploymentCircuitBreaker") is not None:
        b = cfg["deploymentCircuitBreaker"]
        out["deploymentCircuitBreaker"] = {"enable": bool(b.get("enable")), "rollback": bool(b.get("rollback"))}
    return out


def services(ecs, action, request, response):
    with ecs.lock:
        if action == "CreateService":
            moto_svc = response["service"]
            svc = new_service(ecs, moto_svc, request)
            ecs.services[svc["arn"]] = svc
            td = moto_svc.get("taskDefinition")
            if td:
                ecs.new_deployment(svc, ecs.taskdef(td)["taskDefinitionArn"],
                                   request.get("networkConfiguration"))
            response["service"] = rewrite(svc, moto_svc)
        elif action == "UpdateService":
            moto_svc = response["service"]
            svc = ecs.services.get(moto_svc["serviceArn"])
            if svc is None:    # created before the sandbox knew ECS, or outside the endpoint
                svc = new_service(ecs, moto_svc, {"desiredCount": moto_svc.get("desiredCount")})
                ecs.services[svc["arn"]] = svc
            update(ecs, svc, request, moto_svc)
            response["service"] = rewrite(svc, moto_svc)
        elif action == "DeleteService":
            moto_svc = response["service"]
            svc = ecs.services.get(moto_svc["serviceArn"])
            if svc is not None:
                svc["status"] = "DRAINING"
                ecs.event(svc, "is being deleted: draining its tasks.")
            response["service"] = rewrite(svc, moto_svc) if svc else moto_svc
            if svc is not None:
                response["service"]["status"] = "DRAINING"
        else:
            response["services"] = [rewrite(ecs.services.get(s["serviceArn"]), s) for s in response.get("services", [])]
    return response


def update(ecs, svc, request, moto_svc):
    if request.get("desiredCount") is not None:
        svc["desiredCount"] = int(request["desiredCount"])
    if request.get("healthCheckGracePeriodSeconds") is not None:
        svc["healthCheckGracePeriodSeconds"] = int(request["healthCheckGracePeriodSeconds"])
    if request.get("deploymentConfiguration") is not None:
        svc["deploymentConfiguration"] = deployment_config(request["deploymentConfiguration"],
                                                           svc["deploymentConfiguration"])
    if request.get("loadBalancers") is not None:
        svc["loadBalancers"] = request["loadBalancers"]
    primary = svc["deployments"][0] if svc["deployments"] else None
    network = request.get("networkConfiguration") or (primary or {}).get("networkConfiguration")
    wanted = request.get("taskDefinition")
    taskdef = ecs.taskdef(wanted)["taskDefinitionArn"] if wanted else (primary or {}).get("taskDefinition")
    if taskdef and (primary is None or taskdef != primary["taskDefinition"] or request.get("forceNewDeployment")
                    or request.get("networkConfiguration")):
        ecs.new_deployment(svc, taskdef, network)


def rewrite(svc, moto_svc):
    """moto's service with the scheduler's runtime fields."""
    if svc is None:
        return moto_svc
    out = dict(moto_svc)
    out.update({
        "desiredCount": svc["desiredCount"], "runningCount": svc["runningCount"],
        "pendingCount": svc["pendingCount"], "taskDefinition": svc["taskDefinition"] or moto_svc.get("taskDefinition"),
        "deploymentConfiguration": svc["deploymentConfiguration"],
        "healthCheckGracePeriodSeconds": svc["healthCheckGracePeriodSeconds"],
        "loadBalancers": svc["loadBalancers"], "launchType": svc["launchType"],
        "deployments": [{k: v for k, v in d.items() if not k.startswith("_")} for d in svc["deployments"]],
        "events": list(svc["events"]),
    })
    if svc["status"] != "ACTIVE":
        out["status"] = svc["status"]
    return out


# -------------------------------------------------------------------- tasks
def find_task(ecs, ref, cluster):
    with ecs.lock:
        for t in ecs.tasks.values():
            if (t.arn == ref or t.id == ref) and cluster_matches(t.cluster_arn, cluster):
                return t
    return None


def tasks(ecs, action, request, response):
    cluster = request.get("cluster") or "default"
    if action == "RunTask":
        cluster_arn = resolve_cluster(ecs, cluster)
        td = ecs.taskdef(request["taskDefinition"])
        network = request.get("networkConfiguration")
        if td.get("networkMode") == "awsvpc" and not network:
            return error("InvalidParameterException",
                         "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
        recs = ecs.run_tasks(cluster_arn=cluster_arn, taskdef=td, count=int(request.get("count") or 1),
                             launch_type=request.get("launchType") or "EC2", network=network,
                             overrides=request.get("overrides"), started_by=request.get("startedBy") or "",
                             group=request.get("group") or f"family:{td['family']}", tags=request.get("tags"))
        return 200, {"tasks": [r.view() for r in recs], "failures": []}
    if action == "StopTask":
        rec = find_task(ecs, request.get("task", ""), cluster)
        if rec is None:
            return error("InvalidParameterException", "The referenced task was not found.")
        ecs.stop_task(rec, "UserInitiated", request.get("reason") or "Task stopped by user")
        return 200, {"task": rec.view()}
    if action == "DescribeTasks":
        found, failures = [], []
        for ref in request.get("tasks") or []:
            rec = find_task(ecs, ref, cluster)
            if rec is None:
                failures.append({"arn": ref, "reason": "MISSING"})
            else:
                found.append(rec.view())
        return 200, {"tasks": found, "failures": failures}
    # ListTasks
    resolve_cluster(ecs, cluster)
    desired = request.get("desiredStatus") or "RUNNING"
    service = request.get("serviceName")
    family = request.get("family")
    with ecs.lock:
        arns = [t.arn for t in sorted(ecs.tasks.values(), key=lambda t: t.created_at)
                if cluster_matches(t.cluster_arn, cluster) and t.desired_status == desired
                and (not service or t.group == f"service:{service.rsplit('/', 1)[-1]}")
                and (not family or t.taskdef.get("family") == family)
                and (not request.get("startedBy") or t.started_by == request["startedBy"])
                and (not request.get("launchType") or t.launch_type == request["launchType"])]
    return 200, {"taskArns": arns}


# -------------------------------------------------------------------- the AWS endpoint's side
def proxy_answer(agent_call, headers, body, status, data):
    """Called by the proxy for every ECS request after moto answered; returns (status, headers,
    body) to send instead of moto's answer, or None to send moto's unchanged."""
    action = headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
    if action not in TASK_ACTIONS and action not in SERVICE_ACTIONS:
        return None
    if action in SERVICE_ACTIONS and status != 200 or action in TASK_ACTIONS and status not in (200, 500):
        return None
    import json
    try:
        request = json.loads(body or b"{}")
        response = json.loads(data) if status == 200 and data else None
    except ValueError:
        return None
    answer = agent_call("POST", "/ecs", {"action": action, "request": request, "status": status,
                                         "response": response})
    out = json.dumps(answer["body"]).encode()
    return answer["status"], [("Content-Type", "application/x-amz-json-1.1")], out
