"""ECS in the sandbox: tasks become processes (ecstasks.py) and a service scheduler keeps them.

moto stores clusters, task definitions and services but runs nothing. The fleet agent hosts this
manager; the AWS endpoint tells it about every ECS call moto accepted (ecsapi.py) and answers the
task calls and the services' runtime fields from here. Per service the scheduler
  * keeps desiredCount tasks of the PRIMARY deployment, within maximumPercent of all tasks;
  * stops tasks of older deployments while minimumHealthyPercent stays healthy;
  * registers each RUNNING task's IP in the service's target groups (the agent health-checks it
    and nginx routes to it), and deregisters it (draining) before stopping it;
  * replaces tasks that exit, and tasks their target group reports unhealthy once
    healthCheckGracePeriodSeconds have passed since they started;
  * counts a deployment's failed tasks; at the circuit breaker's threshold the rollout FAILS and,
    with rollback, a new deployment of the last completed task definition starts;
  * marks a deployment COMPLETED when it alone runs desiredCount healthy tasks.
Everything it knows is written to STATE/ecs.json after each change.
"""

import concurrent.futures
import json
import math
import os
import random
import sys
import threading
import time
import traceback

from botocore.exceptions import BotoCoreError, ClientError

from . import control, ecsdeployments as deployments
from .ecstasks import TaskRecord, now
from .images import Registry

TICK = 0.2
EVENTS_KEPT = 100
STOPPED_KEPT = 3600.0        # stopped tasks stay visible for an hour, as on ECS


class Ecs:
    def __init__(self, agent, session, moto_url, cfg, account):
        self.agent = agent
        self.s = agent.s
        self.paths = agent.paths
        self.run_id = agent.run_id
        self.account = account
        self.client = session.client("ecs", endpoint_url=moto_url, config=cfg)
        self.registry = Registry(agent.s3, agent.bucket, self.paths.builds)
        self.lock = threading.RLock()
        self.tasks = {}                      # arn -> TaskRecord
        self.services = {}                   # arn -> dict (see ecsapi.new_service)
        self.taskdefs = {}                   # arn -> description
        self.pool = concurrent.futures.ThreadPoolExecutor(16, thread_name_prefix="ecs")
        self.next_host = 4
        self.changed = threading.Event()
        self.tasks_dir = self.paths.tasks
        self.state_file = self.paths.ecs_state

    # ---------------------------------------------------------------- helpers
    def taskdef(self, ref):
        """A task definition's full description by ARN or family[:revision] (cached by ARN)."""
        with self.lock:
            if ref in self.taskdefs:
                return self.taskdefs[ref]
        desc = self.client.describe_task_definition(taskDefinition=ref)["taskDefinition"]
        with self.lock:
            self.taskdefs[desc["taskDefinitionArn"]] = desc
        return desc

    def allocate_ip(self):
        """The next free address of the task subnet (127.0.2.4, .5, ...; in use ones skipped)."""
        base = self.s.task_subnet_cidr.split("/")[0].rsplit(".", 1)[0]
        busy = {ip for ip, _ in control.listening_addresses()}
        with self.lock:
            busy |= {t.ip for t in self.tasks.values() if t.last_status != "STOPPED"}
            for _ in range(251):
                host, self.next_host = self.next_host, 4 if self.next_host >= 254 else self.next_host + 1
                ip = f"{base}.{host}"
                if ip not in busy:
                    return ip
        raise RuntimeError(f"no free address left in {self.s.task_subnet_cidr}")

    def event(self, svc, message):
        svc["events"].insert(0, {"id": str(random.getrandbits(122)), "createdAt": now(),
                                 "message": f"(service {svc['name']}) {message}"})
        del svc["events"][EVENTS_KEPT:]
        self.changed.set()

    # ---------------------------------------------------------------- tasks
    def run_tasks(self, *, cluster_arn, taskdef, count, launch_type, network, overrides, started_by, group,
                  tags, service=None, dep=None):
        """Creates `count` tasks and starts them in the background; returns the records."""
        records = []
        for _ in range(count):
            rec = TaskRecord(region=self.s.region, account=self.account, cluster_arn=cluster_arn, taskdef=taskdef,
                             launch_type=launch_type, network=network, overrides=overrides,
                             started_by=started_by, group=group, tags=tags, ip=self.allocate_ip(),
                             service_arn=service["arn"] if service else None,
                             deployment_id=dep["id"] if dep else None)
            with self.lock:
                self.tasks[rec.arn] = rec
            records.append(rec)
            self.pool.submit(self._launch, rec)
        self.changed.set()
        return records

    def _launch(self, rec):
        try:
            ok = rec.start(self.registry, self.tasks_dir, self.run_id, self.s.stop_grace)
        except Exception as e:   # noqa: BLE001 - a sandbox failure fails the task, visibly
            rec.kill(self.s.stop_grace)
            rec.finish("TaskFailedToStart", f"sandbox: {e}")
            ok = False
        if not ok and any(c.proc is not None and c.proc.poll() is None for c in rec.containers):
            rec.kill(self.s.stop_grace)    # stopped while starting: what started after the stop goes too
            rec.finish(rec.stop_code or "UserInitiated", rec.stopped_reason or "Task stopped while starting")
        if ok and rec.service_arn:
            with self.lock:
                svc = self.services.get(rec.service_arn)
            if svc is not None:
                self._register(svc, rec)
        if rec.last_status == "STOPPED":
            self._note_failure(rec)
        self.changed.set()

    def _register(self, svc, rec):
        for lb in svc["loadBalancers"]:
            arn = lb.get("targetGroupArn")
            port = rec.port_of(lb.get("containerName"), lb.get("containerPort"))
            if not arn or not port:
                continue
            try:
                self.agent.elb.register_targets(TargetGroupArn=arn, Targets=[{"Id": rec.ip, "Port": port}])
            except (ClientError, BotoCoreError) as e:
                with self.lock:
                    self.event(svc, f"failed to register targets in (target-group {arn}): {e}")
                continue
            self.agent.on_event("RegisterTargets", arn, [{"id": rec.ip, "port": port}])
            with self.lock:
                rec.targets.append((arn, port))
                self.event(svc, f"registered 1 targets in (target-group {arn})")
        if not rec.live:
            self._deregister(rec)     # stopped while registering: its _stop may have seen no target

    def _deregister(self, rec):
        """Deregisters the task's targets; returns the longest draining time of their groups."""
        delay = 0.0
        svc = self.services.get(rec.service_arn)
        with self.lock:
            targets, rec.targets = rec.targets, []
        for arn, port in targets:
            try:
                self.agent.elb.deregister_targets(TargetGroupArn=arn, Targets=[{"Id": rec.ip, "Port": port}])
            except (ClientError, BotoCoreError):
                pass          # the group is gone: nothing routes to the task any more
            self.agent.on_event("DeregisterTargets", arn, [{"id": rec.ip, "port": port}])
            delay = max(delay, self.agent.drain_delay(arn))
            if svc is not None:
                with self.lock:
                    self.event(svc, f"deregistered 1 targets in (target-group {arn})")
        return delay

    def stop_task(self, rec, stop_code, reason, drain=True):
        """Stops a task in the background: deregister and drain, SIGTERM, SIGKILL after the grace."""
        with self.lock:
            if rec.desired_status == "STOPPED":
                return
            rec.desired_status = "STOPPED"
            rec.stop_code, rec.stopped_reason = stop_code, reason
            rec.times["stoppingAt"] = now()
        self.pool.submit(self._stop, rec, drain)
        self.changed.set()

    def _stop(self, rec, drain):
        if rec.last_status in ("RUNNING", "PENDING", "PROVISIONING"):
            rec.last_status = "DEACTIVATING"
        delay = self._deregister(rec) if rec.targets else 0.0
        if drain and delay:
            time.sleep(delay)
        rec.last_status = "STOPPING"
        rec.times["executionStoppedAt"] = now()
        rec.kill(self.s.stop_grace)
        rec.finish(rec.stop_code, rec.stopped_reason)
        self.changed.set()

    def _note_failure(self, rec):
        """A service task that stopped before it was ever healthy counts against its deployment."""
        with self.lock:
            svc = self.services.get(rec.service_arn)
            if svc is None or rec.healthy_once or getattr(rec, "counted", False):
                return
            rec.counted = True
            for dep in svc["deployments"]:
                if dep["id"] == rec.deployment_id:
                    dep["failedTasks"] += 1
                    dep["updatedAt"] = now()
                    dep["_last_failure"] = time.monotonic()
            self.event(svc, f"has stopped 1 running tasks: (task {rec.id}).")

    def watch_tasks(self):
        """Essential containers that exited; targets that turned healthy or unhealthy."""
        with self.lock:
            live = [t for t in self.tasks.values() if t.live and t.last_status == "RUNNING"]
        for rec in live:
            c = rec.exited_essential()
            if c is not None:
                with self.lock:
                    rec.desired_status = "STOPPED"
                    rec.stop_code, rec.stopped_reason = "EssentialContainerExited", "Essential container in task exited"
                self.pool.submit(self._exited, rec)
                continue
            if not rec.service_arn or not rec.targets:
                continue
            states = [self.target_state(arn, rec.ip, port) for arn, port in rec.targets]
            if all(s == "healthy" for s, _ in states):
                rec.healthy_once = True
            svc = self.services.get(rec.service_arn)
            grace = svc["healthCheckGracePeriodSeconds"] if svc else 0
            started = rec.times.get("startedAt", now())
            bad = [(arn, r) for (s, r), (arn, _) in zip(states, rec.targets) if s == "unhealthy"]
            if bad and svc is not None and now() - started >= grace:
                arn, reason = bad[0]
                with self.lock:
                    self.event(svc, f"(port {rec.targets[0][1]}) is unhealthy in (target-group {arn}) due to "
                                    f"(reason {reason}).")
                self.stop_task(rec, "ServiceSchedulerInitiated", f"Task failed ELB health checks in (target-group {arn})")
                self._note_failure(rec)

    def _exited(self, rec):
        self._deregister(rec)
        rec.kill(self.s.stop_grace)
        rec.finish(rec.stop_code, rec.stopped_reason)
        self._note_failure(rec)
        self.changed.set()

    def target_state(self, arn, ip, port):
        for t in self.agent.target_view(arn):
            if t["id"] == ip and t["port"] == port:
                return t["state"], t.get("description") or t.get("reason")
        return "initial", None

    def healthy(self, rec):
        if rec.last_status != "RUNNING" or not rec.live:
            return False
        svc = self.services.get(rec.service_arn)
        if svc and svc["loadBalancers"]:
            return bool(rec.targets) and all(self.target_state(a, rec.ip, p)[0] == "healthy" for a, p in rec.targets)
        return True

    # ---------------------------------------------------------------- the scheduler
    def tick(self):
        self.watch_tasks()
        with self.lock:
            services = list(self.services.values())
        for svc in services:
            self.schedule(svc)
        with self.lock:
            cutoff = now() - STOPPED_KEPT
            for arn in [a for a, t in self.tasks.items() if t.times.get("stoppedAt", now()) < cutoff]:
                del self.tasks[arn]

    def schedule(self, svc):
        with self.lock:
            tasks = [t for t in self.tasks.values() if t.service_arn == svc["arn"] and t.live]
            deps = svc["deployments"]
            if not deps:
                return
            primary = deps[0]
            desired = 0 if svc["status"] != "ACTIVE" else svc["desiredCount"]
            primary["desiredCount"] = desired
            cfg = svc["deploymentConfiguration"]
            max_total = math.floor(desired * cfg["maximumPercent"] / 100)
            min_healthy = math.ceil(desired * cfg["minimumHealthyPercent"] / 100)
            healthy = {t.arn for t in tasks if self.healthy(t)}
            mine = [t for t in tasks if t.deployment_id == primary["id"]]
            others = [t for t in tasks if t.deployment_id != primary["id"]]
            for dep in deps:
                group = [t for t in tasks if t.deployment_id == dep["id"]]
                dep["runningCount"] = sum(1 for t in group if t.last_status == "RUNNING")
                dep["pendingCount"] = sum(1 for t in group if t.last_status in ("PROVISIONING", "PENDING", "ACTIVATING"))
            svc["runningCount"] = sum(d["runningCount"] for d in deps)
            svc["pendingCount"] = sum(d["pendingCount"] for d in deps)
            if self.circuit_breaker(svc, primary):
                return     # rolled back just now: the next tick works on the new deployment
            # Stop: tasks of old deployments that are not healthy, then healthy ones while enough stay.
            to_stop = [t for t in others if t.arn not in healthy]
            spare = len(healthy) - min_healthy
            surplus = max(0, len(mine) - desired)
            for t in sorted(mine, key=lambda t: (t.arn in healthy, t.created_at), reverse=False)[:surplus]:
                to_stop.append(t)
            for t in others:
                if t.arn in healthy and spare > 0 and t not in to_stop:
                    to_stop.append(t)
                    spare -= 1
            for t in to_stop:
                self.stop_task(t, "ServiceSchedulerInitiated",
                               "Scaling activity initiated by (deployment %s)" % primary["id"])
            if to_stop:
                self.event(svc, f"has begun draining connections on {len(to_stop)} tasks.")
            live_total = len(tasks) - len(to_stop)
            launch = min(desired - (len(mine) - surplus), max_total - live_total)
            recent = time.monotonic() - primary.get("_last_failure", 0) < 1.0
            if primary["rolloutState"] == "FAILED" or recent:
                launch = 0
            taskdef_arn = primary["taskDefinition"]
        if launch > 0:
            try:
                td = self.taskdef(taskdef_arn)
            except (ClientError, BotoCoreError) as e:
                with self.lock:
                    self.event(svc, f"was unable to place a task: {e}")
                return
            recs = self.run_tasks(cluster_arn=svc["clusterArn"], taskdef=td, count=launch,
                                  launch_type=svc["launchType"], network=primary.get("networkConfiguration"),
                                  overrides=None, started_by=primary["id"], group=f"service:{svc['name']}", tags=[],
                                  service=svc, dep=primary)
            with self.lock:
                self.event(svc, f"has started {len(recs)} tasks: " + " ".join(f"(task {r.id})" for r in recs) + ".")
        with self.lock:
            done = len([t for t in mine if t.arn in healthy]) >= desired and not others and len(mine) == desired
            if done and primary["rolloutState"] == "IN_PROGRESS":
                primary["rolloutState"] = "COMPLETED"
                primary["rolloutStateReason"] = f"ECS deployment {primary['id']} completed."
                primary["updatedAt"] = now()
                svc["deployments"] = [primary]
                svc["lastCompleted"] = {"id": primary["id"], "taskDefinition": primary["taskDefinition"]}
                self.event(svc, f"(deployment {primary['id']}) deployment completed.")
                self.event(svc, "has reached a steady state.")
            elif done and len(svc["deployments"]) > 1:
                svc["deployments"] = [primary]
            if svc["status"] == "DRAINING" and not tasks:
                svc["status"] = "INACTIVE"
                self.event(svc, "has been deleted; its tasks are stopped.")

    def circuit_breaker(self, svc, primary):
        """Fails the rollout at the threshold of failed tasks; True when it rolled back."""
        breaker = svc["deploymentConfiguration"].get("deploymentCircuitBreaker") or {}
        if not breaker.get("enable") or primary["rolloutState"] != "IN_PROGRESS":
            return False
        if primary["failedTasks"] < deployments.circuit_threshold(primary["desiredCount"] or 1):
            return False
        primary["rolloutState"] = "FAILED"
        primary["rolloutStateReason"] = "ECS deployment circuit breaker: tasks failed to start."
        primary["updatedAt"] = now()
        self.event(svc, f"(deployment {primary['id']}) deployment failed: tasks failed to start.")
        last = svc.get("lastCompleted")
        if breaker.get("rollback") and last and last["taskDefinition"] != primary["taskDefinition"]:
            self.event(svc, f"rolling back to deployment {last['id']}.")
            self.new_deployment(svc, last["taskDefinition"], primary.get("networkConfiguration"))
            self.pool.submit(self._moto_taskdef, svc, last["taskDefinition"])
            return True
        return False

    def _moto_taskdef(self, svc, taskdef_arn):
        """moto's service keeps the task definition the rollback went back to."""
        try:
            self.client.update_service(cluster=svc["clusterArn"], service=svc["arn"], taskDefinition=taskdef_arn)
        except (ClientError, BotoCoreError):
            pass

    def new_deployment(self, svc, taskdef_arn, network):
        dep = deployments.new(svc, taskdef_arn, network)
        self.changed.set()
        return dep

    # ---------------------------------------------------------------- loop and state file
    def run(self, stopping):
        while not stopping.is_set():
            try:
                self.tick()
            except Exception:   # noqa: BLE001 - the scheduler must survive an unexpected answer
                sys.stderr.write(time.strftime("%H:%M:%S ") + "ecs scheduler error:\n" + traceback.format_exc())
            if self.changed.is_set():
                self.changed.clear()
                self.write_state()
            stopping.wait(TICK)
        self.shutdown()

    def snapshot(self):
        with self.lock:
            services = {arn: {k: v for k, v in s.items() if not k.startswith("_")} for arn, s in self.services.items()}
            for s in services.values():
                s["deployments"] = [{k: v for k, v in d.items() if not k.startswith("_")} for d in s["deployments"]]
            return {"services": services, "tasks": {a: t.view() for a, t in self.tasks.items()}}

    def write_state(self):
        tmp = self.state_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.snapshot(), f, indent=1, sort_keys=True, default=str)
        os.replace(tmp, self.state_file)

    def shutdown(self):
        """The agent stops: every task's processes go with it (no draining)."""
        with self.lock:
            live = [t for t in self.tasks.values() if t.last_status != "STOPPED"]
        if live:     # all at once: `down` gives the agent only a couple of seconds
            with concurrent.futures.ThreadPoolExecutor(len(live)) as pool:
                list(pool.map(lambda rec: rec.kill(1.0), live))
