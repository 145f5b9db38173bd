"""One ECS task of the sandbox: its containers as real processes on the task's own loopback IP.

A task lives in STATE/tasks/<task id>/: the image's build unpacked there (its home) and one log
per container (<name>.log). Each container runs the build's `run.sh --bind TASK_IP --port
CONTAINER_PORT`, or the container's entryPoint + command (from the task definition or the
RunTask overrides) in the build directory, the way a command overrides an image's CMD. Every
process carries SANDBOX_RUN (so `down` finds it) and SANDBOX_TASK=<task id>.

Lifecycle (lastStatus): PROVISIONING (address, image resolved) -> PENDING (unpacked, started,
waiting for its ports) -> RUNNING -> DEACTIVATING (deregistered, draining) -> STOPPING (SIGTERM,
SIGKILL after the grace) -> STOPPED with stopCode, stoppedReason and each container's exitCode.
"""

import os
import secrets
import socket
import subprocess
import time
import uuid

from . import fleet, procs
from .images import PullError

TASK_MARKER = "SANDBOX_TASK"
DEFAULT_PORT = 8080


def now():
    return time.time()


class Container:
    def __init__(self, definition, override):
        self.name = definition["name"]
        self.image = definition.get("image", "")
        self.essential = definition.get("essential", True)
        self.ports = [p["containerPort"] for p in definition.get("portMappings", []) if p.get("containerPort")]
        self.entry_point = definition.get("entryPoint") or []
        self.command = (override or {}).get("command") or definition.get("command") or []
        env = {e["name"]: e.get("value", "") for e in definition.get("environment", [])}
        env.update({e["name"]: e.get("value", "") for e in (override or {}).get("environment", [])})
        self.environment = env
        self.cpu = definition.get("cpu", 0)
        self.memory = definition.get("memory")
        self.arn = None
        self.runtime_id = secrets.token_hex(32)
        self.digest = None
        self.build = None
        self.proc = None
        self.exit_code = None
        self.reason = None
        self.last_status = "PENDING"


class TaskRecord:
    """Everything DescribeTasks answers for one task, plus its processes."""

    def __init__(self, *, region, account, cluster_arn, taskdef, launch_type, network, overrides, started_by,
                 group, tags, ip, service_arn=None, deployment_id=None):
        self.id = uuid.uuid4().hex
        cluster_name = cluster_arn.rsplit("/", 1)[-1]
        self.arn = f"arn:aws:ecs:{region}:{account}:task/{cluster_name}/{self.id}"
        self.region = region
        self.cluster_arn = cluster_arn
        self.taskdef = taskdef
        self.taskdef_arn = taskdef["taskDefinitionArn"]
        self.launch_type = launch_type or "EC2"
        self.network = network or {}
        self.overrides = overrides or {}
        self.started_by = started_by
        self.group = group
        self.tags = tags or []
        self.ip = ip
        self.service_arn = service_arn
        self.deployment_id = deployment_id
        self.eni_id = "eni-" + secrets.token_hex(9)[:17]
        self.attachment_id = str(uuid.uuid4())
        self.mac = "02:" + ":".join(secrets.token_hex(1) for _ in range(5))
        self.last_status = "PROVISIONING"
        self.desired_status = "RUNNING"
        self.created_at = now()
        self.times = {}                       # pullStartedAt, startedAt, stoppingAt, ... -> epoch
        self.stop_code = None
        self.stopped_reason = None
        self.healthy_once = False             # passed its target health checks at least once
        self.targets = []                     # [(target group arn, port)] registered
        self.run_id = None
        by_name = {o.get("name"): o for o in self.overrides.get("containerOverrides", [])}
        self.containers = [Container(d, by_name.get(d["name"])) for d in taskdef.get("containerDefinitions", [])]
        for c in self.containers:
            c.arn = f"arn:aws:ecs:{region}:{account}:container/{cluster_name}/{self.id}/{uuid.uuid4()}"

    @property
    def live(self):
        return self.desired_status == "RUNNING" and self.last_status != "STOPPED"

    def port_of(self, container_name, container_port):
        for c in self.containers:
            if c.name == container_name and (container_port in c.ports or not container_port):
                return container_port or (c.ports[0] if c.ports else DEFAULT_PORT)
        return None

    # ------------------------------------------------------------------ processes
    def start(self, registry, tasks_dir, run_id, stop_grace):
        """PROVISIONING -> PENDING -> RUNNING, or STOPPED (TaskFailedToStart / exited). Blocking;
        run it in a worker thread. Returns True when the task runs."""
        self.run_id = run_id
        self.times["pullStartedAt"] = now()
        for c in self.containers:
            try:
                c.build = registry.resolve(c.image)
                c.digest = c.build.digest
            except PullError as e:
                c.reason = f"CannotPullContainerError: {e}"
                self.finish("TaskFailedToStart", c.reason)
                return False
        self.times["pullStoppedAt"] = now()
        self.last_status = "PENDING"
        home = os.path.join(tasks_dir, self.id)
        os.makedirs(home, exist_ok=True)
        try:
            for c in self.containers:
                build_dir = os.path.join(home, c.build.directory)
                if not os.path.isdir(build_dir):
                    fleet.extract(registry.tarball(c.build), home)
                c.proc = self._spawn(c, home, build_dir, run_id)
                c.last_status = "RUNNING"
        except Exception as e:   # noqa: BLE001 - any failure to start fails the task as ECS does
            for c in self.containers:
                c.reason = c.reason or f"CannotStartContainerError: {e}"
            self.kill(stop_grace)
            self.finish("TaskFailedToStart", f"CannotStartContainerError: {e}")
            return False
        deadline = time.monotonic() + 15
        waiting = [(c, p) for c in self.containers for p in c.ports]
        while waiting and time.monotonic() < deadline and self.desired_status == "RUNNING":
            waiting = [(c, p) for c, p in waiting if not _listening(self.ip, p)]
            if self.exited_essential() is not None:   # exited before its ports answered
                self.kill(stop_grace)
                self.finish("EssentialContainerExited", "Essential container in task exited")
                return False
            if waiting:
                time.sleep(0.05)
        if self.desired_status != "RUNNING":
            return False
        self.times["startedAt"] = now()
        self.times["connectivityAt"] = self.times["startedAt"]
        self.last_status = "RUNNING"
        return True

    def _spawn(self, c, home, build_dir, run_id):
        port = c.ports[0] if c.ports else DEFAULT_PORT
        argv = list(c.entry_point) + list(c.command)
        if not argv:
            argv = [os.path.join(build_dir, "run.sh"), "--bind", self.ip, "--port", str(port)]
        env = {"HOME": home, "PATH": fleet.STD_PATH, "LANG": "C.UTF-8", procs.RUN_MARKER: run_id,
               TASK_MARKER: self.id, "ECS_CONTAINER_METADATA_URI_V4": "", "TASK_IP": self.ip,
               "PORT": str(port), **c.environment}
        log = open(os.path.join(home, f"{c.name}.log"), "ab", buffering=0)
        try:
            return subprocess.Popen(argv, cwd=build_dir, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)
        finally:
            log.close()

    def exited_essential(self):
        """The first essential container whose process has exited, or None."""
        for c in self.containers:
            if c.essential and c.proc is not None and c.proc.poll() is not None:
                return c
        return None

    def kill(self, grace):
        """SIGTERM to every container's process group, SIGKILL after grace; records exit codes."""
        running = [c for c in self.containers if c.proc is not None and c.proc.poll() is None]
        for c in running:
            _signal_group(c.proc.pid, 15)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(c.proc.poll() is None for c in running):
            time.sleep(0.05)
        for c in running:
            if c.proc.poll() is None:
                _signal_group(c.proc.pid, 9)
        for c in self.containers:
            if c.proc is not None:
                try:
                    code = c.proc.wait(5)
                except subprocess.TimeoutExpired:
                    code = None
                # A process killed by a signal exits 128+N in a container (137 after SIGKILL).
                c.exit_code = 128 - code if code is not None and code < 0 else code
                c.last_status = "STOPPED"
        # The signals go to each container's process group; a process that left it (setsid)
        # still carries SANDBOX_RUN, so `down` sweeps it.

    def finish(self, stop_code, reason):
        self.desired_status = "STOPPED"
        self.stop_code = self.stop_code or stop_code
        self.stopped_reason = self.stopped_reason or reason
        t = now()
        self.times.setdefault("stoppingAt", t)
        self.times.setdefault("executionStoppedAt", t)
        self.times["stoppedAt"] = t
        for c in self.containers:
            c.last_status = "STOPPED"
        self.last_status = "STOPPED"

    # ------------------------------------------------------------------ DescribeTasks
    def view(self):
        awsvpc = self.taskdef.get("networkMode") == "awsvpc"
        subnets = (self.network.get("awsvpcConfiguration") or {}).get("subnets") or []
        t = {
            "taskArn": self.arn, "clusterArn": self.cluster_arn, "taskDefinitionArn": self.taskdef_arn,
            "lastStatus": self.last_status, "desiredStatus": self.desired_status,
            "launchType": self.launch_type, "group": self.group, "startedBy": self.started_by,
            "createdAt": self.created_at, "version": 1, "healthStatus": "UNKNOWN",
            "connectivity": "CONNECTED" if "connectivityAt" in self.times else "DISCONNECTED",
            "availabilityZone": self.region + "a", "overrides": self.overrides or {"containerOverrides": []},
            "cpu": str(self.taskdef.get("cpu") or ""), "memory": str(self.taskdef.get("memory") or ""),
            "tags": self.tags, "attributes": [],
            "containers": [self._container_view(c, awsvpc) for c in self.containers],
        }
        if self.launch_type == "FARGATE":
            t["platformVersion"], t["platformFamily"] = "1.4.0", "Linux"
        t.update(self.times)
        if self.stop_code:
            t["stopCode"] = self.stop_code
        if self.stopped_reason:
            t["stoppedReason"] = self.stopped_reason
        if awsvpc:
            status = {"PROVISIONING": "PRECREATED", "STOPPED": "DELETED"}.get(self.last_status, "ATTACHED")
            t["attachments"] = [{"id": self.attachment_id, "type": "ElasticNetworkInterface", "status": status,
                                 "details": [
                                     {"name": "subnetId", "value": subnets[0] if subnets else ""},
                                     {"name": "networkInterfaceId", "value": self.eni_id},
                                     {"name": "macAddress", "value": self.mac},
                                     {"name": "privateDnsName", "value": fleet.hostname_for(self.ip) + ".ec2.internal"},
                                     {"name": "privateIPv4Address", "value": self.ip}]}]
        else:
            t["attachments"] = []
        return t

    def _container_view(self, c, awsvpc):
        v = {"containerArn": c.arn, "taskArn": self.arn, "name": c.name, "image": c.image,
             "lastStatus": c.last_status, "healthStatus": "UNKNOWN", "cpu": str(c.cpu or 0)}
        if c.memory:
            v["memory"] = str(c.memory)
        if c.digest:
            v["imageDigest"] = c.digest
        if c.proc is not None:
            v["runtimeId"] = c.runtime_id
        if c.exit_code is not None:
            v["exitCode"] = c.exit_code
        if c.reason:
            v["reason"] = c.reason
        if awsvpc:
            v["networkInterfaces"] = [{"attachmentId": self.attachment_id, "privateIpv4Address": self.ip}]
            v["networkBindings"] = []
        else:
            v["networkBindings"] = [{"bindIP": self.ip, "containerPort": p, "hostPort": p, "protocol": "tcp"}
                                    for p in c.ports]
        return v


def _listening(ip, port):
    try:
        with socket.create_connection((ip, port), timeout=0.2):
            return True
    except OSError:
        return False


def _signal_group(pid, sig):
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
