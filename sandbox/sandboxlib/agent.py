"""The fleet agent: makes what moto says exist actually run, and plays the ALB's health checker.

Every poll interval it reads moto (EC2 instances of the sandbox VPC, target groups, their
registered targets, the load balancer's listener) and
  * boots every running instance (sshd on its private IP, its home, the app baked into its AMI)
    and halts every stopped or terminated one (its home goes on terminate);
  * health-checks every registered target over HTTP and keeps a TargetTracker per target;
  * writes nginx's upstream list (targets of the listener's target groups that pass and are not
    draining) and reloads nginx gracefully, confirming which configuration serves.
The AWS endpoint proxy asks it (HTTP on 127.0.0.1, port in STATE/agent.port) for target health
and tells it about RegisterTargets / DeregisterTargets as they happen.

Run by sandboxctl: python3 -m sandboxlib.agent STATE_DIR, credentials as JSON on stdin.
"""

import base64
import concurrent.futures
import http.client
import ipaddress
import json
import os
import signal
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from . import autoscaling, ecsapi, fleet, loadbalancers, nginx, ssm
from .config import ACCOUNT_ID, Settings, VPC_CIDR
from .ecs import Ecs
from .targethealth import CheckResult, TargetTracker

ATTRIBUTE_REFRESH = 5.0


def log(msg):
    sys.stderr.write(time.strftime("%H:%M:%S ") + msg + "\n")
    sys.stderr.flush()


class Instance:
    def __init__(self, instance_id):
        self.id = instance_id
        self.state = "pending"
        self.ip = None
        self.image_id = None
        self.phase = "down"        # down | booting | up | halting | failed | gone
        self.busy = False
        self.sshd_pid = 0
        self.app_pid = 0
        self.app_version = None
        self.hostname = None
        self.error = None
        self.retry_at = 0.0
        self.asg = False           # launched by an Auto Scaling group (its tag)
        self.drain_until = None    # terminated by its group: halted once its targets drained


class TargetGroup:
    def __init__(self, desc):
        self.arn = desc["TargetGroupArn"]
        self.name = desc["TargetGroupName"]
        self.port = desc.get("Port")
        self.path = desc.get("HealthCheckPath") or "/"
        self.hc_port = desc.get("HealthCheckPort") or "traffic-port"
        self.healthy_threshold = int(desc.get("HealthyThresholdCount") or 5)
        self.unhealthy_threshold = int(desc.get("UnhealthyThresholdCount") or 2)
        self.timeout = float(desc.get("HealthCheckTimeoutSeconds") or 5)
        self.matcher = (desc.get("Matcher") or {}).get("HttpCode") or "200"
        self.enabled = desc.get("HealthCheckEnabled", True)
        self.delay = None          # deregistration_delay.timeout_seconds, read separately
        self.attrs_read = 0.0


def matcher_accepts(matcher, status):
    """ALB matcher syntax: "200", "200,302", "200-299"."""
    for part in matcher.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-", 1)
            if int(lo) <= status <= int(hi):
                return True
        elif part and int(part) == status:
            return True
    return False


def http_check(ip, port, path, timeout, matcher):
    conn = http.client.HTTPConnection(ip, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"User-Agent": "ELB-HealthChecker/2.0", "Connection": "close"})
        resp = conn.getresponse()
        resp.read()
        return CheckResult(ok=matcher_accepts(matcher, resp.status), status=resp.status)
    except TimeoutError:
        return CheckResult(ok=False, timed_out=True)
    except (OSError, http.client.HTTPException) as e:
        return CheckResult(ok=False, error=str(e) or type(e).__name__)
    finally:
        conn.close()


class Agent:
    def __init__(self, settings, state, creds):
        self.s = settings
        self.paths = settings.paths
        self.run_id = state["run_id"]
        self.vpc_id = state["resources"]["vpc_id"]
        self.lb_arn = state["resources"]["load_balancer_arn"]
        self.bucket = state["resources"]["bucket"]
        self.nginx_pid = state["pids"]["nginx"]
        self.uts = state.get("uts_namespaces", False)
        moto = f"http://127.0.0.1:{state['ports']['moto']}"
        session = boto3.session.Session(aws_access_key_id=creds["access_key_id"],
                                        aws_secret_access_key=creds["secret_access_key"],
                                        region_name=settings.region)
        cfg = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5,
                     read_timeout=30, max_pool_connections=16)
        self.ec2 = session.client("ec2", endpoint_url=moto, config=cfg)
        self.elb = session.client("elbv2", endpoint_url=moto, config=cfg)
        self.s3 = session.client("s3", endpoint_url=moto, config=cfg)
        # Auto Scaling instance refresh (moto has none): sandboxlib/autoscaling.py.
        self.refreshes = autoscaling.RefreshEngine(
            self, session.client("autoscaling", endpoint_url=moto, config=cfg), log)
        self.lock = threading.RLock()
        self.kick = threading.Event()
        self.stopping = threading.Event()
        self.poll_now = threading.Event()
        self.instances = {}
        self.images = {}            # image id -> (app version or None, artifact s3 url or None)
        self.tgs = {}               # arn -> TargetGroup
        self.trackers = {}          # (tg arn, target id, port) -> TargetTracker
        self.target_running = {}    # same key -> moto says the target's instance runs
        self.routing = []           # [(tg arn, weight)] the main listener (th3-alb) forwards to
        self.listeners = []         # every ALB listener (loadbalancers.read), each on its own port
        self.ports = loadbalancers.Ports(self.paths.lb_ports, self.lb_arn,
                                         settings.lb_port)
        self.applied = None         # server list nginx serves now
        self.applied_all = None     # {local port: server list} of every listener nginx serves now
        self.lb_file_text = None
        self.applied_groups = set() # target groups behind that list
        self.generation = 0
        self.reported = {}          # key -> last reported state, for the log
        self.fleet_pool = concurrent.futures.ThreadPoolExecutor(8, thread_name_prefix="fleet")
        self.check_pool = concurrent.futures.ThreadPoolExecutor(16, thread_name_prefix="check")
        self.last_state_json = None
        self.ecs = Ecs(self, session, moto, cfg, ACCOUNT_ID)
        # Systems Manager Run Command on these instances, and presigned S3 URLs (sandboxlib/ssm.py).
        self.ssm = ssm.RunCommand(self, creds, settings.region, log)

    # ---------------------------------------------------------------- moto reads
    def read_moto(self):
        pages = self.ec2.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "vpc-id", "Values": [self.vpc_id]}])
        instances = [i for page in pages for r in page["Reservations"] for i in r["Instances"]]
        # Every target group, whatever its VPC: a playbook may build its own network (ECS tasks
        # and ip targets live outside the sandbox VPC); only loopback addresses are checked.
        tg_descs = [tg for page in self.elb.get_paginator("describe_target_groups").paginate()
                    for tg in page["TargetGroups"]]
        registered = {}
        for tg in tg_descs:
            try:
                descs = self.elb.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])
            except ClientError as e:
                if e.response["Error"]["Code"] == "TargetGroupNotFound":
                    continue
                raise
            registered[tg["TargetGroupArn"]] = {
                (d["Target"]["Id"], d["Target"].get("Port")): d["TargetHealth"]["State"]
                for d in descs["TargetHealthDescriptions"]}
        listeners = loadbalancers.read(self.elb, self.ports)
        return instances, tg_descs, registered, listeners

    def refresh_attributes(self, tg, now):
        if now - tg.attrs_read < ATTRIBUTE_REFRESH and tg.delay is not None:
            return
        try:
            attrs = self.elb.describe_target_group_attributes(TargetGroupArn=tg.arn)["Attributes"]
            for a in attrs:
                if a["Key"] == "deregistration_delay.timeout_seconds":
                    tg.delay = float(a["Value"])
            tg.attrs_read = now
        except (ClientError, BotoCoreError, ValueError) as e:
            log(f"cannot read attributes of {tg.name}: {e}")

    def drain_delay(self, arn):
        """The target group's deregistration delay, capped by SANDBOX_DEREGISTRATION_DELAY
        (AWS's default of 300 s would make every sandbox deploy wait five minutes)."""
        tg = self.tgs.get(arn)
        delay = tg.delay if tg and tg.delay is not None else self.s.deregistration_delay
        return min(delay, self.s.deregistration_delay)

    def image_app(self, image_id):
        """(app version, artifact URL) the image carries, from its tags. Only asked for instances
        about to boot; an image without an app is asked again next time (tags may come later)."""
        if image_id in self.images:
            return self.images[image_id]
        try:
            images = self.ec2.describe_images(ImageIds=[image_id])["Images"]
        except ClientError:
            images = []
        tags = {t["Key"]: t["Value"] for t in (images[0].get("Tags") or [])} if images else {}
        found = (tags.get("app-version"), tags.get("app-artifact"))
        if found[0]:
            self.images[image_id] = found
        return found

    # ---------------------------------------------------------------- poll and apply
    def poll(self):
        t0 = time.monotonic()
        instances, tg_descs, registered, listeners = self.read_moto()
        now = time.monotonic()
        for desc in tg_descs:
            arn = desc["TargetGroupArn"]
            tg = self.tgs.get(arn)
            fresh = TargetGroup(desc)
            if tg is not None:
                fresh.delay, fresh.attrs_read = tg.delay, tg.attrs_read
            self.refresh_attributes(fresh, now)
            self.tgs[arn] = fresh
        apps = {}
        for i in instances:
            known = self.instances.get(i["InstanceId"])
            if i["State"]["Name"] == "running" and i.get("ImageId") and (known is None or known.phase in ("down", "failed")):
                apps[i["InstanceId"]] = self.image_app(i["ImageId"])
        with self.lock:
            self.apply_instances(instances, apps, now)
            self.apply_targets(registered, t0, now)
            self.listeners = listeners
            self.routing = next((lst["groups"] for lst in listeners if lst["local_port"] == self.s.lb_port), [])

    def apply_instances(self, described, apps, now):
        seen = set()
        for d in described:
            iid = d["InstanceId"]
            seen.add(iid)
            inst = self.instances.get(iid) or self.instances.setdefault(iid, Instance(iid))
            inst.state = d["State"]["Name"]
            inst.ip = d.get("PrivateIpAddress")
            inst.image_id = d.get("ImageId")
            inst.asg = inst.asg or any(t.get("Key") == autoscaling.GROUP_TAG for t in d.get("Tags") or [])
            self.reconcile_instance(inst, apps.get(iid, (None, None)), now)
        for iid, inst in self.instances.items():
            if iid not in seen and inst.phase != "gone":
                inst.state = "terminated"      # vanished from moto (reset): treat as terminated
                self.reconcile_instance(inst, (None, None), now)

    def reconcile_instance(self, inst, app, now):
        if inst.busy or inst.phase == "gone":
            return
        in_vpc = inst.ip and ipaddress.ip_address(inst.ip) in VPC_CIDR
        if inst.state == "running" and in_vpc:
            if inst.phase == "up" and not fleet.sshd_running(self.paths, inst.id, inst.sshd_pid):
                log(f"{inst.id}: sshd {inst.sshd_pid} died; starting it again")
                inst.phase = "down"
            if inst.phase == "down" or (inst.phase == "failed" and now >= inst.retry_at):
                inst.busy, inst.phase = True, "booting"
                self.fleet_pool.submit(self.boot, inst, inst.ip, app[0], app[1])
        elif inst.state == "terminated":
            if inst.asg and autoscaling.hold_for_drain(self, inst, now):
                return          # a group's scale-in: deregistered and drained first, as on AWS
            inst.busy, inst.phase = True, "halting"
            self.fleet_pool.submit(self.halt, inst, True)
        elif inst.state in ("stopping", "stopped", "shutting-down") and inst.phase in ("up", "failed"):
            inst.busy, inst.phase = True, "halting"
            self.fleet_pool.submit(self.halt, inst, False)

    def artifact(self, version, s3_url):
        """The build tarball an AMI carries: STATE/builds/th3-server-V.tar.gz, fetched from S3
        (the image's app-artifact tag, or the bucket's standard layout) when not there yet."""
        local = os.path.join(self.paths.builds, f"th3-server-{version}.tar.gz")
        if os.path.exists(local):
            return local
        if s3_url and s3_url.startswith("s3://"):
            bucket, _, key = s3_url[5:].partition("/")
        else:
            bucket, key = self.bucket, f"th3-server/{version}/th3-server-{version}.tar.gz"
        os.makedirs(self.paths.builds, exist_ok=True)
        self.s3.download_file(bucket, key, local + ".part")
        os.replace(local + ".part", local)
        return local

    def user_data(self, instance_id):
        """The instance's user data on its first boot (None later, or when it has none)."""
        if os.path.isdir(os.path.join(self.paths.instance_dir(instance_id), "home")):
            return None
        attr = self.ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="userData")
        value = (attr.get("UserData") or {}).get("Value")
        return base64.b64decode(value) if value else None

    def boot(self, inst, ip, version, s3_url):
        started = time.monotonic()
        try:
            app = (version, self.artifact(version, s3_url), self.s.app_port) if version else None
            info = fleet.boot(self.paths, inst.id, ip, self.s.ssh_port, self.run_id, self.uts, app,
                              self.user_data(inst.id))
            with self.lock:
                inst.phase, inst.error = "up", None
                inst.sshd_pid, inst.hostname = info["sshd_pid"], info["hostname"]
                if version:   # a restart of a dead sshd alone keeps the app it already runs
                    inst.app_version, inst.app_pid = version, info["app_pid"]
            log(f"{inst.id}: booted on {ip} in {time.monotonic() - started:.2f}s "
                f"(sshd {info['sshd_pid']}" + (f", app v{version} pid {info['app_pid']})" if version else ")"))
        except Exception as e:   # noqa: BLE001 - any failure leaves the instance failed, retried later
            with self.lock:
                inst.phase, inst.error, inst.retry_at = "failed", str(e), time.monotonic() + 5
            log(f"{inst.id}: boot failed: {e}")
        finally:
            with self.lock:
                inst.busy = False
            self.kick.set()

    def halt(self, inst, terminate):
        try:
            left = fleet.halt(self.paths, inst.id, self.run_id, self.s.stop_grace)
            if left:
                log(f"{inst.id}: processes survived SIGKILL: {sorted(left)}")
            if terminate:
                fleet.destroy(self.paths, inst.id)
            with self.lock:
                inst.phase = "gone" if terminate else "down"
                inst.sshd_pid = inst.app_pid = 0
                inst.app_version = None
            log(f"{inst.id}: {'terminated, home removed' if terminate else 'stopped'}")
        except Exception as e:   # noqa: BLE001
            log(f"{inst.id}: halt failed: {e}")
            with self.lock:
                inst.phase = "failed"
        finally:
            with self.lock:
                inst.busy = False
            self.kick.set()

    def apply_targets(self, registered, t0, now):
        for arn, regs in registered.items():
            for (tid, port), moto_state in regs.items():
                key = (arn, tid, port)
                tr = self.trackers.get(key)
                if tr is None or (tr.draining and tr.drain_started < t0):
                    self.trackers[key] = TargetTracker(now)
                self.target_running[key] = moto_state != "unused"
            for key, tr in list(self.trackers.items()):
                if key[0] != arn or (key[1], key[2]) in regs:
                    continue
                # Gone at moto without a DeregisterTargets through the proxy (or terminated).
                if not tr.draining and tr.registered_at < t0:
                    tr.start_draining(now, self.drain_delay(arn))
        # Target groups this poll did not see (deleted), unless an event added the target after
        # the poll began (a group created meanwhile).
        for key in [k for k, tr in self.trackers.items() if k[0] not in registered and tr.registered_at < t0
                    and (tr.drain_started is None or tr.drain_started < t0)]:
            del self.trackers[key]
            self.target_running.pop(key, None)

    # ---------------------------------------------------------------- events from the proxy
    def target_port(self, arn):
        tg = self.tgs.get(arn)
        if tg is None:
            desc = self.elb.describe_target_groups(TargetGroupArns=[arn])["TargetGroups"][0]
            tg = TargetGroup(desc)
            with self.lock:
                self.tgs.setdefault(arn, tg)
        return tg.port

    def on_event(self, action, arn, targets):
        if action == "Poll":        # EC2 state changed: boot or halt now, not at the next poll
            self.poll_now.set()
            self.kick.set()
            return
        now = time.monotonic()
        resolved = []
        for t in targets:
            try:
                resolved.append((t["id"], t.get("port") or self.target_port(arn)))
            except (ClientError, BotoCoreError, IndexError) as e:
                log(f"{action} {t['id']}: cannot resolve the port of {arn}: {e}; the next poll will")
        with self.lock:
            for tid, port in resolved:
                key = (arn, tid, port)
                tr = self.trackers.get(key)
                if action == "RegisterTargets":
                    if tr is None or tr.draining:
                        self.trackers[key] = TargetTracker(now)
                    self.target_running.setdefault(key, True)
                elif action == "DeregisterTargets":
                    if tr is None:
                        tr = self.trackers[key] = TargetTracker(now)
                    if not tr.draining:
                        tr.start_draining(now, self.drain_delay(arn))
        self.kick.set()

    # ---------------------------------------------------------------- health checks
    def address(self, target_id):
        if target_id.startswith("i-"):
            inst = self.instances.get(target_id)
            return inst.ip if inst else None
        try:   # ip targets: only loopback addresses are ever checked or routed to
            return target_id if ipaddress.ip_address(target_id).is_loopback else None
        except ValueError:
            return None

    def health_loop(self):
        while not self.stopping.is_set():
            now = time.monotonic()
            due = []
            with self.lock:
                for key, tr in self.trackers.items():
                    tg = self.tgs.get(key[0])
                    ip = self.address(key[1])
                    if tr.draining or tr.checking or tr.next_check > now or not tg or not ip or not key[2]:
                        continue
                    port = key[2] if tg.hc_port == "traffic-port" else int(tg.hc_port)
                    tr.checking, tr.next_check = True, now + self.s.health_interval
                    due.append((key, tr, ip, port, tg))
            for item in due:
                self.check_pool.submit(self.check, *item)
            self.stopping.wait(0.05)

    def check(self, key, tr, ip, port, tg):
        try:
            timeout = min(tg.timeout, max(self.s.health_interval, 0.5))
            result = http_check(ip, port, tg.path, timeout, tg.matcher)
            with self.lock:
                changed = self.trackers.get(key) is tr and tr.record(
                    result, tg.healthy_threshold, tg.unhealthy_threshold)
        finally:
            tr.checking = False
        if changed:
            self.kick.set()

    # ---------------------------------------------------------------- nginx
    def routable(self):
        """{local port: [(ip, port, weight)]} per listener, the tracker keys behind them and the
        target groups routed."""
        by_port, keys, groups = {}, set(), set()
        with self.lock:
            listeners = self.listeners or [{"local_port": self.s.lb_port, "groups": self.routing}]
            for lst in listeners:
                weights = {}
                for arn, weight in lst["groups"]:
                    if weight <= 0:
                        continue
                    groups.add(arn)
                    for key, tr in self.trackers.items():
                        if key[0] != arn or tr.draining or tr.passing is not True:
                            continue
                        ip = self.address(key[1])
                        if not ip or not key[2] or not self.target_running.get(key, True):
                            continue
                        weights[(ip, key[2])] = weights.get((ip, key[2]), 0) + weight
                        keys.add(key)
                by_port[lst["local_port"]] = sorted((ip, port, w) for (ip, port), w in weights.items())
        by_port.setdefault(self.s.lb_port, [])
        return by_port, keys, groups

    def reconcile_routing(self):
        by_port, keys, groups = self.routable()
        if by_port != self.applied_all:
            self.generation += 1
            extra = [(port, servers) for port, servers in by_port.items() if port != self.s.lb_port]
            nginx.write_config(self.paths.nginx, nginx.render(self.paths.nginx, self.paths.logs, self.s.lb_port,
                                                              by_port[self.s.lb_port], self.generation, extra))
            try:
                nginx.reload(self.nginx_pid)
            except ProcessLookupError:
                log("nginx is not running; cannot route")
                return
            if not nginx.wait_generation(self.paths.nginx, self.generation, 5.0):
                log(f"nginx did not take configuration {self.generation} within 5 s; "
                    f"see {self.paths.log('nginx-error.log')}")
                return
            self.applied_all, self.applied = by_port, by_port[self.s.lb_port]
            log(f"nginx generation {self.generation}: " + "; ".join(
                f":{port} " + (", ".join(f"{ip}:{p}" + (f"*{w}" if w != 1 else "") for ip, p, w in servers)
                               or "no healthy target (503)") for port, servers in sorted(by_port.items())))
        with self.lock:
            for key, tr in self.trackers.items():
                tr.set_routed(key in keys)
            # Health reports follow the groups nginx really serves, not the listener's newest
            # answer: no flicker while a blue/green swap is being applied.
            self.applied_groups = groups
        self.write_load_balancers()

    def write_load_balancers(self):
        """STATE/load-balancers.json: each ALB's URL and its listeners' (what nginx serves)."""
        with self.lock:
            text = json.dumps(loadbalancers.describe(self.listeners), indent=2, sort_keys=True)
        if text != self.lb_file_text:
            path = self.paths.load_balancers
            with open(path + ".tmp", "w") as f:
                f.write(text + "\n")
            os.replace(path + ".tmp", path)
            self.lb_file_text = text

    def expire_draining(self):
        now = time.monotonic()
        with self.lock:
            for key in [k for k, tr in self.trackers.items() if tr.drained(now)]:
                del self.trackers[key]
                self.target_running.pop(key, None)

    # ---------------------------------------------------------------- reporting
    def target_view(self, arn):
        out = []
        with self.lock:
            routed_groups = self.applied_groups
            for (a, tid, port), tr in self.trackers.items():
                if a != arn:
                    continue
                state, reason, desc = tr.reported(routing_required=arn in routed_groups)
                out.append({"id": tid, "port": port, "state": state, "reason": reason, "description": desc})
        return out

    def instance_view(self):
        with self.lock:
            return {i.id: {"state": i.state, "ip": i.ip, "phase": i.phase, "sshd_pid": i.sshd_pid,
                           "app_pid": i.app_pid, "app_version": i.app_version, "hostname": i.hostname,
                           "error": i.error} for i in self.instances.values() if i.phase != "gone"}

    def snapshot(self):
        ecs_tasks = self.ecs_summary()    # before the agent's lock: the ECS scheduler takes them the other way round
        with self.lock:
            groups = {self.tgs[a].name if a in self.tgs else a: self.target_view(a)
                      for a in {k[0] for k in self.trackers}}
            return {"instances": self.instance_view(), "target_groups": groups,
                    "routing": [{"target_group": self.tgs[a].name if a in self.tgs else a, "weight": w}
                                for a, w in self.routing],
                    "nginx": {"generation": self.generation,
                              "servers": [f"{ip}:{port}" for ip, port, _ in (self.applied or [])],
                              "listeners": {str(p): [f"{ip}:{port}" for ip, port, _ in servers]
                                            for p, servers in (self.applied_all or {}).items()}},
                    "load_balancers": loadbalancers.describe(self.listeners)["load_balancers"],
                    "ecs_tasks": ecs_tasks}

    def ecs_summary(self):
        with self.ecs.lock:
            return [{"id": t.id, "group": t.group, "ip": t.ip, "lastStatus": t.last_status,
                     "image": ", ".join(c.image for c in t.containers), "stopCode": t.stop_code}
                    for t in self.ecs.tasks.values() if t.last_status != "STOPPED"]

    def log_transitions(self):
        with self.lock:
            now_states = {}
            for arn in {k[0] for k in self.trackers}:
                name = self.tgs[arn].name if arn in self.tgs else arn
                for t in self.target_view(arn):
                    now_states[(name, t["id"], t["port"])] = (t["state"], t["reason"])
        for key, st in now_states.items():
            if self.reported.get(key) != st:
                log(f"target {key[0]} {key[1]}:{key[2]} -> {st[0]}" + (f" ({st[1]})" if st[1] else ""))
        for key in set(self.reported) - set(now_states):
            log(f"target {key[0]} {key[1]}:{key[2]} -> removed")
        self.reported = now_states

    def write_state(self):
        text = json.dumps(self.snapshot(), indent=2, sort_keys=True)
        if text != self.last_state_json:
            tmp = self.paths.agent_state + ".tmp"
            with open(tmp, "w") as f:
                f.write(text + "\n")
            os.replace(tmp, self.paths.agent_state)
            self.last_state_json = text

    # ---------------------------------------------------------------- main loop
    def run(self):
        threading.Thread(target=self.health_loop, name="health", daemon=True).start()
        ecs_thread = threading.Thread(target=self.ecs.run, args=(self.stopping,), name="ecs", daemon=True)
        ecs_thread.start()
        next_poll = 0.0
        failures = 0
        while not self.stopping.is_set():
            if time.monotonic() >= next_poll or self.poll_now.is_set():
                self.poll_now.clear()
                try:
                    self.poll()
                    failures = 0
                except (ClientError, BotoCoreError) as e:
                    failures += 1
                    if failures in (1, 10) or failures % 100 == 0:
                        log(f"cannot read moto ({failures}x): {e}")
                except Exception:   # noqa: BLE001 - an unexpected answer must not kill the agent
                    log("poll error:\n" + traceback.format_exc())
                next_poll = time.monotonic() + self.s.poll_interval
            try:
                self.expire_draining()
                self.reconcile_routing()
                self.log_transitions()
                self.write_state()
            except Exception:   # noqa: BLE001 - keep the agent alive, leave a trace
                log("agent loop error:\n" + traceback.format_exc())
            self.kick.wait(max(0.0, min(next_poll - time.monotonic(), 0.1)))
            self.kick.clear()
        ecs_thread.join(10)    # the ECS scheduler stops its tasks' processes


class ApiHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        agent = self.server.agent
        url = urlparse(self.path)
        if url.path == "/targets":
            arn = parse_qs(url.query).get("tg", [""])[0]
            self.reply(200, {"targets": agent.target_view(arn)})
        elif url.path == "/instances":
            self.reply(200, {"instances": agent.instance_view()})
        elif url.path == "/state":
            self.reply(200, agent.snapshot())
        else:
            self.reply(404, {"error": "unknown path"})

    def do_POST(self):
        agent = self.server.agent
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/ecs":     # an ECS call moto accepted: the sandbox's answer (ecsapi.py)
            try:
                ev = json.loads(body)
                status, answer = ecsapi.handle(agent.ecs, ev["action"], ev.get("request"), ev["status"],
                                               ev.get("response"))
            except Exception as e:   # noqa: BLE001 - report it as the ECS error it becomes
                log(f"ecs {body[:200]!r}: {traceback.format_exc()}")
                status, answer = ecsapi.error("ServerException", f"sandbox: {e}", 500)
            self.reply(200, {"status": status, "body": answer})
            return
        if self.path == "/autoscaling":     # instance refresh calls, from the proxy
            try:
                ev = json.loads(body)
                self.reply(200, autoscaling.handle(agent.refreshes, ev["action"], ev.get("params", {})))
            except (ValueError, KeyError, TypeError) as e:
                self.reply(400, {"error": str(e)})
            return
        if self.path in ("/ssm", "/s3-presigned"):
            self.ssm(agent, self.path, json.loads(body))
            return
        if self.path != "/events":
            self.reply(404, {"error": "unknown path"})
            return
        try:
            ev = json.loads(body)
            agent.on_event(ev["action"], ev.get("tg", ""), ev.get("targets", []))
        except (ValueError, KeyError, TypeError) as e:
            self.reply(400, {"error": str(e)})
            return
        self.reply(200, {"ok": True})

    def ssm(self, agent, path, ev):
        """The proxy's SSM and presigned-S3 hook (sandboxlib/ssm.py)."""
        if path == "/ssm":
            answer = agent.ssm.handle(ev["action"], ev["request"], ev["moto"])
            self.reply(200, {"answer": answer})
            return
        status, data = agent.ssm.presigned_s3(ev["method"], ev["path"], ev["host"], base64.b64decode(ev["body"]))
        self.reply(200, {"status": status, "body": base64.b64encode(data).decode()})


def main():
    state_dir = sys.argv[1]
    os.environ["SANDBOX_DIR"] = state_dir
    settings = Settings.from_env()
    with open(settings.paths.state) as f:
        state = json.load(f)
    creds = json.loads(sys.stdin.readline())
    sys.stdin.close()
    agent = Agent(settings, state, creds)
    api = ThreadingHTTPServer(("127.0.0.1", 0), ApiHandler)
    api.daemon_threads = True
    api.agent = agent
    threading.Thread(target=api.serve_forever, name="api", daemon=True).start()

    def stop(signum, _frame):
        agent.stopping.set()
        agent.kick.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    tmp = settings.paths.agent_port + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(api.server_address[1]))
    os.replace(tmp, settings.paths.agent_port)
    log(f"fleet agent up (api 127.0.0.1:{api.server_address[1]}, vpc {agent.vpc_id}, "
        f"poll {settings.poll_interval}s, health interval {settings.health_interval}s)")
    agent.run()
    log("fleet agent stopped")


if __name__ == "__main__":
    main()
