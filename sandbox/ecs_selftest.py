"""The ECS steps of selftest.py's SandboxScenario (test_20 ... test_25): services, tasks and their
load balancer on the scenario's private sandbox, driven with boto3 as the ECS modules drive it.
Mixed into SandboxScenario, whose setUpClass provides self.ecs, self.elb, self.sb, self.dir,
self.state, and which lends selftest.py's helpers (wait_until, http_get, port_open) as static
methods."""

import json
import os
import subprocess
import tempfile
import time
import unittest

from sandboxlib import ecsdeployments, images, loadbalancers, nginx, procs

CLUSTER = "th3-ecs"
SERVICE = "th3-web"
ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com/th3-server"


class EcsSteps:
    """ECS in the sandbox: tasks are processes, the service scheduler keeps and deploys them."""

    ecs_state = {}

    def register(self, image, family="th3-web", command=None):
        container = {"name": "app", "image": image, "essential": True, "portMappings": [{"containerPort": 8080}]}
        if command:
            container["command"] = command
        return self.ecs.register_task_definition(
            family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
            containerDefinitions=[container])["taskDefinition"]["taskDefinitionArn"]

    def network(self):
        return {"awsvpcConfiguration": {"subnets": [self.sb["subnet_id"]],
                                        "securityGroups": [self.sb["security_group_id"]]}}

    def service(self):
        return self.ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]

    def task(self, arn):
        return self.ecs.describe_tasks(cluster=CLUSTER, tasks=[arn])["tasks"][0]

    def service_tasks(self):
        return self.ecs.list_tasks(cluster=CLUSTER, serviceName=SERVICE)["taskArns"]

    def settled(self, taskdef):
        """The service runs desiredCount healthy tasks of taskdef in one COMPLETED deployment."""
        s = self.service()
        d = s["deployments"]
        return (len(d) == 1 and d[0]["rolloutState"] == "COMPLETED" and d[0]["taskDefinition"] == taskdef
                and s["runningCount"] == s["desiredCount"] and len(self.service_tasks()) == s["desiredCount"])

    def healthy_targets(self):
        descs = self.elb.describe_target_health(TargetGroupArn=self.ecs_state["tg"])["TargetHealthDescriptions"]
        return sorted(d["Target"]["Id"] for d in descs if d["TargetHealth"]["State"] == "healthy")

    def task_pids(self, task_arn):
        tid = task_arn.rsplit("/", 1)[1]
        return {p for p in procs.find_marked(self.state["run_id"]) if procs.read_environ(p).get("SANDBOX_TASK") == tid}

    @staticmethod
    def ip_of(task):
        details = task["attachments"][0]["details"]
        return next(d["value"] for d in details if d["name"] == "privateIPv4Address")

    # ---------------------------------------------------------------- steps
    def test_20_ecs_service_serves_through_its_own_load_balancer_port(self):
        st = self.ecs_state
        self.ecs.create_cluster(clusterName=CLUSTER)
        st["td"] = {v: self.register(f"{ECR}:{v}") for v in ("1", "2", "3")}
        lb = self.elb.create_load_balancer(Name="th3-ecs-alb", Subnets=[self.sb["subnet_id"]],
                                           SecurityGroups=[self.sb["security_group_id"]], Type="application")
        st["tg"] = self.elb.create_target_group(
            Name="th3-ecs-tg", Protocol="HTTP", Port=8080, VpcId=self.sb["vpc_id"], TargetType="ip",
            HealthCheckPath="/health", HealthyThresholdCount=2, UnhealthyThresholdCount=2)["TargetGroups"][0]["TargetGroupArn"]
        self.elb.modify_target_group_attributes(TargetGroupArn=st["tg"], Attributes=[
            {"Key": "deregistration_delay.timeout_seconds", "Value": "1"}])
        self.elb.create_listener(LoadBalancerArn=lb["LoadBalancers"][0]["LoadBalancerArn"], Protocol="HTTP", Port=80,
                                 DefaultActions=[{"Type": "forward", "TargetGroupArn": st["tg"]}])
        created = self.ecs.create_service(
            cluster=CLUSTER, serviceName=SERVICE, taskDefinition=st["td"]["2"], desiredCount=2, launchType="FARGATE",
            networkConfiguration=self.network(),
            loadBalancers=[{"targetGroupArn": st["tg"], "containerName": "app", "containerPort": 8080}],
            healthCheckGracePeriodSeconds=0,
            deploymentConfiguration={"maximumPercent": 200, "minimumHealthyPercent": 100,
                                     "deploymentCircuitBreaker": {"enable": True, "rollback": True}})["service"]
        self.assertEqual(created["deployments"][0]["rolloutState"], "IN_PROGRESS")
        self.assertTrue(created["deploymentConfiguration"]["deploymentCircuitBreaker"]["rollback"])
        self.wait_until("the service to settle on build 2", lambda: self.settled(st["td"]["2"]), 90, 0.3)
        tasks = [self.task(a) for a in self.service_tasks()]
        ips = sorted(self.ip_of(t) for t in tasks)
        prefix = self.settings.task_subnet_cidr.rsplit(".", 1)[0] + "."
        self.assertTrue(all(ip.startswith(prefix) for ip in ips), ips)
        self.assertTrue(all(t["attachments"][0]["type"] == "ElasticNetworkInterface" and t["lastStatus"] == "RUNNING"
                            and t["group"] == f"service:{SERVICE}" for t in tasks), tasks)
        self.assertEqual(self.healthy_targets(), ips)
        with open(os.path.join(self.dir, "load-balancers.json")) as f:
            lbs = {lb["name"]: lb for lb in json.load(f)["load_balancers"]}
        self.assertEqual(lbs["th3-alb"]["url"], self.sb["lb_url"])
        url = lbs["th3-ecs-alb"]["url"]
        self.assertNotEqual(url, self.sb["lb_url"])
        st["url"] = url
        port = int(url.rsplit(":", 1)[1])
        seen = set()
        for _ in range(20):
            status, body = self.http_get("127.0.0.1", port, "/")
            doc = json.loads(body)
            self.assertEqual((status, doc["version"]), (200, "2"))
            seen.add(doc["address"].split(":")[0])
        self.assertEqual(sorted(seen), ips, "both tasks serve through the ALB's own port")
        self.assertIn(url, self.ctl(["status"]).stdout)
        events = [e["message"] for e in self.service()["events"]]
        self.assertIn(f"(service {SERVICE}) has reached a steady state.", events)

    def test_21_ecs_a_killed_task_is_replaced(self):
        st = self.ecs_state
        victim = self.service_tasks()[0]
        pids = self.task_pids(victim)
        self.assertTrue(pids)
        for pid in pids:
            os.kill(pid, 9)
        stopped = self.wait_until("the killed task to stop", lambda: (t := self.task(victim))["lastStatus"] == "STOPPED"
                             and t, 45, 0.2)
        self.assertEqual((stopped["stopCode"], stopped["stoppedReason"]),
                         ("EssentialContainerExited", "Essential container in task exited"))
        self.assertEqual(stopped["containers"][0]["exitCode"], 137)
        self.wait_until("a replacement task, healthy", lambda: self.settled(st["td"]["2"]) and victim not in self.service_tasks()
                   and len(self.healthy_targets()) == 2, 60, 0.3)
        self.assertNotIn(self.ip_of(stopped), self.healthy_targets())

    def test_22_ecs_images_unknown_digest_and_exit_codes(self):
        net = self.network()
        bad = self.ecs.run_task(cluster=CLUSTER, taskDefinition=self.register("th3-server:99", "th3-bad"),
                                launchType="FARGATE", networkConfiguration=net)["tasks"][0]["taskArn"]
        digest = "sha256:" + self.sb["build_sha256"]["1"]
        pinned = self.ecs.run_task(cluster=CLUSTER, taskDefinition=self.register(f"{ECR}@{digest}", "th3-pinned"),
                                   launchType="FARGATE", networkConfiguration=net)["tasks"][0]["taskArn"]
        oneoff = self.ecs.run_task(cluster=CLUSTER, taskDefinition=self.register(
            "th3-server:2", "th3-oneoff", command=["sh", "-c", "test -f th3_server.py && exit 3"]),
            launchType="FARGATE", networkConfiguration=net)["tasks"][0]["taskArn"]
        t = self.wait_until("the unknown image to fail", lambda: (t := self.task(bad))["lastStatus"] == "STOPPED" and t, 45, 0.2)
        self.assertEqual(t["stopCode"], "TaskFailedToStart")
        self.assertTrue(t["stoppedReason"].startswith("CannotPullContainerError: "), t["stoppedReason"])
        self.assertIn("th3-server:99", t["stoppedReason"])
        self.assertEqual(t["containers"][0]["reason"], t["stoppedReason"])
        t = self.wait_until("the pinned task to run", lambda: (t := self.task(pinned))["lastStatus"] == "RUNNING" and t, 45, 0.2)
        self.assertEqual(t["containers"][0]["imageDigest"], digest)
        self.assertEqual(json.loads(self.http_get(self.ip_of(t), 8080, "/")[1])["version"], "1")
        self.ecs.stop_task(cluster=CLUSTER, task=pinned, reason="selftest")
        t = self.wait_until("the pinned task to stop", lambda: (t := self.task(pinned))["lastStatus"] == "STOPPED" and t, 45, 0.2)
        self.assertEqual((t["stopCode"], t["stoppedReason"], t["containers"][0]["exitCode"]), ("UserInitiated", "selftest", 0))
        self.assertFalse(self.task_pids(pinned))
        self.assertFalse(self.port_open(self.ip_of(t), 8080))
        t = self.wait_until("the one-off task to exit", lambda: (t := self.task(oneoff))["lastStatus"] == "STOPPED" and t, 45, 0.2)
        self.assertEqual((t["stopCode"], t["containers"][0]["exitCode"]), ("EssentialContainerExited", 3))
        self.assertEqual(self.ecs.describe_tasks(cluster=CLUSTER, tasks=["nope"])["failures"][0]["reason"], "MISSING")

    def test_23_ecs_bad_build_trips_the_circuit_breaker_and_rolls_back(self):
        st = self.ecs_state
        proc, out = self.start_load("ecs-bad", st["url"])
        self.ecs.update_service(cluster=CLUSTER, service=SERVICE, taskDefinition=st["td"]["3"])
        failed = self.wait_until("the rollout to fail", lambda: next(
            (d for d in self.service()["deployments"] if d["rolloutState"] == "FAILED"), None), 90, 0.3)
        self.assertEqual(failed["taskDefinition"], st["td"]["3"])
        self.assertGreaterEqual(failed["failedTasks"], 3)
        self.wait_until("the rollback to build 2 to complete", lambda: self.settled(st["td"]["2"]), 90, 0.3)
        report = self.stop_load(proc, out)
        events = [e["message"] for e in self.service()["events"]]
        self.assertTrue(any("deployment failed: tasks failed to start." in e for e in events), events)
        self.assertTrue(any("rolling back to deployment" in e for e in events), events)
        self.assertTrue(any("is unhealthy in (target-group" in e and "[500]" in e for e in events), events)
        self.assertEqual(self.service()["taskDefinition"], st["td"]["2"])
        stopped = self.ecs.list_tasks(cluster=CLUSTER, serviceName=SERVICE, desiredStatus="STOPPED")["taskArns"]
        reasons = {self.task(a).get("stoppedReason", "") for a in stopped}
        self.assertTrue(any(r.startswith("Task failed ELB health checks in (target-group") for r in reasons), reasons)
        self.assertEqual(report["failures"], 0, report["failure_reasons"])
        self.assertEqual(set(report["versions"]), {"2"}, "build 3 was never served")

    def test_24_ecs_good_deployment_under_load_fails_no_request(self):
        st = self.ecs_state
        proc, out = self.start_load("ecs-deploy", st["url"])
        time.sleep(1)
        self.ecs.update_service(cluster=CLUSTER, service=SERVICE, taskDefinition=st["td"]["1"])
        samples = []

        def deployed():
            # minimumHealthyPercent 100 and maximumPercent 200 of 2: never under 2 healthy, never over 4 tasks.
            samples.append((len(self.healthy_targets()), len(self.service_tasks())))
            return self.settled(st["td"]["1"])
        self.wait_until("the deployment of build 1 to complete", deployed, 90, 0.3)
        self.assertGreaterEqual(min(h for h, _ in samples), 2, samples)
        self.assertLessEqual(max(n for _, n in samples), 4, samples)
        self.assertGreater(max(n for _, n in samples), 2, "new tasks start before old ones stop")
        time.sleep(1)
        report = self.stop_load(proc, out)
        self.assertEqual(report["failures"], 0, report["failure_reasons"])
        self.assertEqual(set(report["versions"]), {"1", "2"})
        self.assertEqual(report["last_version"], "1")
        self.assertGreater(report["requests"], 200)
        # forceNewDeployment with the same task definition replaces every task.
        before = set(self.service_tasks())
        self.ecs.update_service(cluster=CLUSTER, service=SERVICE, forceNewDeployment=True)
        self.wait_until("the forced deployment to complete", lambda: self.settled(st["td"]["1"])
                   and not before & set(self.service_tasks()), 90, 0.3)

    def test_25_ecs_delete_service_drains_and_stops_its_tasks(self):
        arns = self.service_tasks()
        self.ecs.update_service(cluster=CLUSTER, service=SERVICE, desiredCount=0)
        deleted = self.ecs.delete_service(cluster=CLUSTER, service=SERVICE)["service"]
        self.assertEqual(deleted["status"], "DRAINING")
        self.wait_until("the service's tasks to stop", lambda: all(self.task(a)["lastStatus"] == "STOPPED" for a in arns), 60, 0.3)
        self.assertFalse(any(self.task_pids(a) for a in arns))
        left = []

        def targets_gone():
            left[:] = self.elb.describe_target_health(TargetGroupArn=self.ecs_state["tg"])["TargetHealthDescriptions"]
            return not left
        try:
            self.wait_until("its targets to be gone", targets_gone, 45, 0.3)
        except AssertionError:
            self.fail(f"targets left after DeleteService: {left}")
        status = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", self.ecs_state["url"]],
                                capture_output=True, text=True, timeout=10).stdout
        self.assertEqual(status, "503")


class EcsLogicTests(unittest.TestCase):
    """The pure parts: image references, the circuit breaker's threshold, listener ports, nginx."""

    def test_image_references(self):
        self.assertEqual(images.parse("th3-server:2"), (None, "th3-server", "2", None))
        self.assertEqual(images.parse(f"{ECR}:2"), ("123456789012.dkr.ecr.us-east-1.amazonaws.com", "th3-server", "2", None))
        digest = "sha256:" + "ab" * 32
        self.assertEqual(images.parse(f"docker.io/library/th3-server@{digest}"), ("docker.io", "th3-server", None, digest))
        self.assertEqual(images.parse("th3-server"), (None, "th3-server", None, None))
        self.assertEqual(images.canonical("th3-server:2"), "docker.io/library/th3-server:2")
        self.assertEqual(images.canonical("acme/th3-server:2"), "docker.io/acme/th3-server:2")
        self.assertEqual(images.canonical(f"{ECR}:2"), f"{ECR}:2")
        with self.assertRaises(images.PullError):
            images.parse("Th3-Server:2")

    def test_circuit_breaker_threshold(self):
        self.assertEqual([ecsdeployments.circuit_threshold(n) for n in (1, 2, 6, 7, 10, 1000)], [3, 3, 3, 4, 5, 200])

    def test_listener_ports(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "lb-ports.json")
            ports = loadbalancers.Ports(path, "arn:main", 18080)
            first = ports.assign([("arn:main", "l-test", 8443), ("arn:main", "l-prod", 80), ("arn:web", "l-web", 80)])
            self.assertEqual(first["l-prod"], 18080, "the main ALB's port-80 listener keeps the sandbox LB port")
            self.assertEqual(len({first["l-test"], first["l-web"], 18080}), 3)
            again = loadbalancers.Ports(path, "arn:main", 18080).assign([("arn:web", "l-web", 80)])
            self.assertEqual(again["l-web"], first["l-web"], "kept across restarts")
        groups = loadbalancers.forward_groups([{"Type": "forward", "ForwardConfig": {"TargetGroups": [
            {"TargetGroupArn": "blue", "Weight": 0}, {"TargetGroupArn": "green", "Weight": 3}]}}])
        self.assertEqual(groups, [("blue", 0), ("green", 3)])
        self.assertEqual(loadbalancers.forward_groups([{"Type": "fixed-response"}]), [])

    def test_nginx_serves_each_listener_on_its_own_port(self):
        conf = nginx.render("/p", "/l", 8080, [], 5, [(40001, [("127.0.2.4", 8080, 1)]), (40002, [])])
        self.assertIn("listen 127.0.0.1:8080;", conf)
        self.assertIn("listen 127.0.0.1:40001;", conf)
        self.assertIn("server 127.0.2.4:8080 weight=1 max_fails=0;", conf)
        self.assertIn("proxy_pass http://targets_40001;", conf)
        self.assertEqual(conf.count("return 503;"), 2)
