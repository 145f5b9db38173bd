"""Auto Scaling instance refresh, run by the fleet agent (moto 5.2.1 has none).

moto already launches an Auto Scaling group's instances from its launch template to match the
desired capacity and registers them in the group's target groups; the agent boots them like any
instance. What moto lacks is answered here: StartInstanceRefresh, DescribeInstanceRefreshes,
CancelInstanceRefresh and RollbackInstanceRefresh. The proxy forwards each to moto first (so the
signature is checked there), then asks the agent, which holds the refreshes and runs each in a
thread of its own:

  batches   terminate-first (AWS's default): as many instances as keep MinHealthyPercentage of
            the desired capacity healthy (at least one); launch-first when MaxHealthyPercentage
            is over 100: up to the headroom it allows. A batch never crosses a checkpoint.
  an old instance leaves the group (DetachInstances, capacity decremented), is deregistered from
            the group's target groups and drains (nginx sends it nothing new), then terminates.
  a new one is launched by raising the desired capacity (moto launches from the group's launch
            template and registers it); it counts once it is healthy in every target group of
            the group, then the refresh waits InstanceWarmup seconds.
  failure   a new instance that turns unhealthy (or is not healthy within the grace period plus
            60 s) fails the refresh; with AutoRollback the group's previous launch template is
            put back and the replaced instances are replaced again (RollbackInProgress, then
            RollbackSuccessful or RollbackFailed).
  cancel    stops before the next batch (Cancelling, then Cancelled); replacements made stay.
The API's side (request parameters, a refresh's member, the XML) is sandboxlib/refreshapi.py.
"""

import math
import threading
import time
import traceback

from botocore.exceptions import BotoCoreError, ClientError

from .refreshapi import Refresh, RefreshError, Stop, now_iso, parse_params, render, render_error

ACTIONS = {"StartInstanceRefresh", "DescribeInstanceRefreshes", "CancelInstanceRefresh",
           "RollbackInstanceRefresh"}
# After these moto has launched or terminated a group's instances: the agent polls at once.
CAPACITY_CHANGES = {"CreateAutoScalingGroup", "UpdateAutoScalingGroup", "SetDesiredCapacity",
                    "TerminateInstanceInAutoScalingGroup", "DetachInstances", "AttachInstances"}
GROUP_TAG = "aws:autoscaling:groupName"
ACTIVE = {"Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking"}
DRAIN_TIMEOUT = 120.0
STEP = 0.2


class RefreshEngine:
    """The agent's instance refreshes: API calls answered from here, one worker thread each."""

    def __init__(self, agent, asg_client, log):
        self.agent = agent
        self.asg = asg_client
        self.log = log
        self.lock = threading.Lock()
        self.refreshes = {}             # group name -> [Refresh], newest first

    # ------------------------------------------------------------ API
    def call(self, action, params):
        group = params.get("AutoScalingGroupName", "")
        if action == "DescribeInstanceRefreshes":
            ids = [v for k, v in sorted(params.items()) if k.startswith("InstanceRefreshIds.member.")]
            with self.lock:
                found = [r for r in self.refreshes.get(group, []) if not ids or r.id in ids]
            limit = int(params.get("MaxRecords") or 50)
            return {"InstanceRefreshes": [r.describe() for r in found[:limit]]}
        if not group:
            raise RefreshError("ValidationError", "1 validation error detected: Value null at "
                               "'autoScalingGroupName' failed to satisfy constraint: Member must not be null")
        with self.lock:
            active = next((r for r in self.refreshes.get(group, []) if r.status in ACTIVE), None)
        if action == "StartInstanceRefresh":
            if active:
                raise RefreshError("InstanceRefreshInProgress", f"An Instance Refresh is already in progress "
                                   f"and blocks the execution of this Instance Refresh.")
            return {"InstanceRefreshId": self.start(group, params)}
        if action in ("CancelInstanceRefresh", "RollbackInstanceRefresh"):
            if not active or active.status in ("Cancelling", "RollbackInProgress"):
                raise RefreshError("ActiveInstanceRefreshNotFound",
                                   f"No in progress or pending Instance Refresh found for Auto Scaling group {group}")
            if action == "CancelInstanceRefresh":
                active.cancel.set()
                active.status = "Cancelling"
            else:
                if not self.reversible(active):
                    raise RefreshError("IrreversibleInstanceRefresh", "The instance refresh cannot be rolled back: "
                                       "the group's previous launch template version is $Latest or $Default, or "
                                       "the refresh was started without a desired configuration.")
                active.rollback_asked.set()
            return {"InstanceRefreshId": active.id}
        raise RefreshError("InvalidAction", f"{action} is not answered by the sandbox")

    def start(self, group, params):
        desc = self.group(group)
        prefs, desired = parse_params(params)
        prefs.setdefault("MinHealthyPercentage", 90)
        prefs.setdefault("InstanceWarmup", int(desc.get("HealthCheckGracePeriod") or 0))
        prefs.setdefault("SkipMatching", False)
        prefs.setdefault("AutoRollback", False)
        prefs.setdefault("ScaleInProtectedInstances", "Ignore")
        prefs.setdefault("StandbyInstances", "Ignore")
        if "CheckpointPercentages" in prefs:
            prefs.setdefault("CheckpointDelay", 3600)
            cps = prefs["CheckpointPercentages"]
            if cps != sorted(set(cps)) or any(c < 1 or c > 100 for c in cps):
                raise RefreshError("ValidationError", "CheckpointPercentages must be in ascending order, each 1 to 100.")
        if not 0 <= prefs["MinHealthyPercentage"] <= 100:
            raise RefreshError("ValidationError", "MinHealthyPercentage must be 0 to 100.")
        maxp = prefs.get("MaxHealthyPercentage")
        if maxp is not None and (not 100 <= maxp <= 200 or maxp - prefs["MinHealthyPercentage"] > 100):
            raise RefreshError("ValidationError", "MaxHealthyPercentage must be 100 to 200 and at most 100 "
                               "more than MinHealthyPercentage.")
        previous = desc.get("LaunchTemplate")
        if previous is None:
            raise RefreshError("ValidationError", f"The group {group} has no launch template; the sandbox "
                               "refreshes launch-template groups only.")
        if prefs["AutoRollback"] and not desired:
            raise RefreshError("ValidationError", "AutoRollback needs a DesiredConfiguration.")
        if desired:
            lt = dict(desired["LaunchTemplate"])
            if "LaunchTemplateId" not in lt and "LaunchTemplateName" not in lt:
                lt["LaunchTemplateId"] = previous["LaunchTemplateId"]
            lt.setdefault("Version", "$Default")
            self.asg.update_auto_scaling_group(AutoScalingGroupName=group, LaunchTemplate=lt)
        refresh = Refresh(group, prefs, desired, previous, params.get("Strategy") or "Rolling")
        with self.lock:
            self.refreshes.setdefault(group, []).insert(0, refresh)
        threading.Thread(target=self.run, args=(refresh,), name=f"refresh-{group}", daemon=True).start()
        self.log(f"instance refresh {refresh.id} of {group} started: {prefs}"
                 + (f", desired {desired}" if desired else ""))
        return refresh.id

    @staticmethod
    def reversible(refresh):
        v = str(refresh.previous.get("Version", ""))
        return bool(refresh.desired) and v not in ("$Latest", "$Default", "")

    # ------------------------------------------------------------ reads
    def group(self, name):
        groups = self.asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
        if not groups:
            raise RefreshError("ValidationError", f"AutoScalingGroup name not found - {name}")
        return groups[0]

    def template_image(self, lt):
        ref = {"LaunchTemplateId": lt["LaunchTemplateId"]} if lt.get("LaunchTemplateId") else \
            {"LaunchTemplateName": lt["LaunchTemplateName"]}
        versions = self.agent.ec2.describe_launch_template_versions(
            Versions=[str(lt.get("Version") or "$Default")], **ref)["LaunchTemplateVersions"]
        return versions[0]["LaunchTemplateData"].get("ImageId") if versions else None

    def images(self, ids):
        if not ids:
            return {}
        pages = self.agent.ec2.describe_instances(InstanceIds=list(ids))["Reservations"]
        return {i["InstanceId"]: i.get("ImageId") for r in pages for i in r["Instances"]}

    def health(self, iid, tg_arns):
        """healthy | unhealthy | pending for one instance in every target group of its group."""
        states = []
        for arn in tg_arns:
            view = {t["id"]: t["state"] for t in self.agent.target_view(arn)}
            states.append(view.get(iid, "absent"))
        if not tg_arns:
            inst = self.agent.instance_view().get(iid)
            states = ["healthy" if inst and inst["phase"] == "up" else "absent"]
        if any(s == "unhealthy" for s in states):
            return "unhealthy"
        return "healthy" if all(s == "healthy" for s in states) else "pending"

    # ------------------------------------------------------------ the worker
    def run(self, refresh):
        try:
            target = self.group(refresh.group).get("LaunchTemplate")
            self.replace_all(refresh, target, rolling_back=False)
            if refresh.cancel.is_set() or refresh.rollback_asked.is_set():
                raise Stop()      # asked during the last batch
            self.finish(refresh, "Successful")
        except Stop:
            if refresh.rollback_asked.is_set():
                self.roll_back(refresh, "Rollback requested by the user.")
            else:
                self.finish(refresh, "Cancelled")
        except RefreshFailed as e:
            if refresh.prefs.get("AutoRollback") and self.reversible(refresh):
                self.roll_back(refresh, str(e))
            else:
                self.finish(refresh, "Failed", str(e))
        except Exception as e:   # noqa: BLE001 - a refresh that breaks is Failed, with the reason
            self.log(f"instance refresh {refresh.id}: error\n" + traceback.format_exc())
            self.finish(refresh, "Failed", f"sandbox error: {e}")

    def finish(self, refresh, status, reason=None):
        refresh.status, refresh.end_time = status, now_iso()
        if reason:
            refresh.reason = reason
        self.log(f"instance refresh {refresh.id} of {refresh.group}: {status}" + (f" ({reason})" if reason else ""))

    def roll_back(self, refresh, reason):
        refresh.rollback = {"reason": reason, "start": now_iso(), "to_update": 0, "done": 0,
                            "before_pct": refresh.percentage(), "before_left": refresh.to_update - refresh.done}
        refresh.status, refresh.reason = "RollbackInProgress", reason
        self.log(f"instance refresh {refresh.id} of {refresh.group}: rolling back ({reason})")
        try:
            self.asg.update_auto_scaling_group(AutoScalingGroupName=refresh.group, LaunchTemplate={
                k: v for k, v in refresh.previous.items() if k in ("LaunchTemplateId", "Version")})
            self.replace_all(refresh, refresh.previous, rolling_back=True)
            refresh.rollback["finished"] = True
            self.finish(refresh, "RollbackSuccessful", reason)
        except Exception as e:   # noqa: BLE001
            self.log(f"instance refresh {refresh.id}: rollback error\n" + traceback.format_exc())
            self.finish(refresh, "RollbackFailed", f"{reason}; rollback failed: {e}")

    def checkpoint(self, refresh, seconds, check):
        """Sleeps in steps, honouring cancel/rollback requests (not while rolling back)."""
        deadline = time.monotonic() + seconds
        while True:
            if check and (refresh.cancel.is_set() or refresh.rollback_asked.is_set()):
                if refresh.cancel.is_set():
                    refresh.status = "Cancelling"
                raise Stop()
            if time.monotonic() >= deadline:
                return
            time.sleep(STEP)

    def replace_all(self, refresh, target, rolling_back):
        desc = self.group(refresh.group)
        capacity = int(desc["DesiredCapacity"])
        tgs = desc.get("TargetGroupARNs") or []
        members = [i["InstanceId"] for i in desc["Instances"] if i["LifecycleState"] in ("InService", "Pending")]
        image = self.template_image(target)
        if rolling_back or refresh.prefs.get("SkipMatching"):
            current = self.images(members)
            old = [iid for iid in members if current.get(iid) != image]
        else:
            old = list(members)
        counter = refresh.rollback if rolling_back else refresh
        if rolling_back:
            counter["to_update"] = len(old)
        else:
            refresh.to_update = len(old)
            if refresh.status == "Pending":
                refresh.status = "InProgress"
        grace = int(desc.get("HealthCheckGracePeriod") or 0)
        prefs = refresh.prefs
        min_healthy = math.ceil(capacity * prefs["MinHealthyPercentage"] / 100)
        max_pct = prefs.get("MaxHealthyPercentage")
        headroom = (math.floor(capacity * max_pct / 100) - capacity) if max_pct and max_pct > 100 else 0
        checkpoints = [] if rolling_back else list(prefs.get("CheckpointPercentages") or [])
        total = len(old)
        while old:
            self.checkpoint(refresh, 0, not rolling_back)
            done = counter["done"] if rolling_back else counter.done
            n = headroom if headroom > 0 else max(1, capacity - min_healthy)
            n = min(n, len(old))
            if checkpoints:
                reach = math.ceil(checkpoints[0] * total / 100) - done
                if reach > 0:
                    n = min(n, reach)
            batch, old = old[:n], old[n:]
            self.log(f"instance refresh {refresh.id}: replacing {batch}" + (" (rollback)" if rolling_back else ""))
            if headroom > 0:
                fresh = self.launch(refresh.group, capacity + n)
                try:
                    self.await_healthy(refresh, fresh, tgs, grace)
                except RefreshFailed:
                    self.retire(refresh.group, fresh, tgs)    # back to the desired capacity
                    raise
                self.retire(refresh.group, batch, tgs)
            else:
                self.retire(refresh.group, batch, tgs)
                fresh = self.launch(refresh.group, capacity)
                self.await_healthy(refresh, fresh, tgs, grace)
            self.checkpoint(refresh, prefs.get("InstanceWarmup") or 0, False)
            if rolling_back:
                counter["done"] += n
            else:
                counter.done += n
            while checkpoints and 100 * counter.done / total >= checkpoints[0] and not rolling_back:
                reached = checkpoints.pop(0)
                if reached < 100 and old:
                    refresh.reason = f"Waiting for the checkpoint at {reached}% ({prefs['CheckpointDelay']} s)"
                    self.log(f"instance refresh {refresh.id}: checkpoint {reached}%")
                    self.checkpoint(refresh, prefs["CheckpointDelay"], True)
                    refresh.reason = None

    def launch(self, group, capacity):
        before = {i["InstanceId"] for i in self.group(group)["Instances"]}
        self.asg.set_desired_capacity(AutoScalingGroupName=group, DesiredCapacity=capacity, HonorCooldown=False)
        fresh = [i["InstanceId"] for i in self.group(group)["Instances"] if i["InstanceId"] not in before]
        self.agent.poll_now.set()
        self.agent.kick.set()
        return fresh

    def retire(self, group, batch, tgs):
        """Out of the group, out of the target groups (draining), then terminated."""
        self.asg.detach_instances(AutoScalingGroupName=group, InstanceIds=batch, ShouldDecrementDesiredCapacity=True)
        for arn in tgs:
            port = self.agent.target_port(arn)
            targets = [{"Id": iid, "Port": port} for iid in batch]
            self.agent.elb.deregister_targets(TargetGroupArn=arn, Targets=targets)
            self.agent.on_event("DeregisterTargets", arn, [{"id": iid, "port": port} for iid in batch])
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while time.monotonic() < deadline:
            listed = {t["id"] for arn in tgs for t in self.agent.target_view(arn)}
            if not listed & set(batch):
                break
            time.sleep(STEP)
        self.agent.ec2.terminate_instances(InstanceIds=batch)
        self.agent.on_event("Poll", "", [])

    def await_healthy(self, refresh, fresh, tgs, grace):
        """Until every new instance is healthy in every target group. Failed checks count once the
        instance has booted and its grace period (HealthCheckGracePeriod) has passed since."""
        deadline = time.monotonic() + grace + 60
        up_since = {}
        while True:
            now = time.monotonic()
            booted = self.agent.instance_view()
            for iid in fresh:
                if iid not in up_since and (booted.get(iid) or {}).get("phase") == "up":
                    up_since[iid] = now
            states = {iid: self.health(iid, tgs) for iid in fresh}
            bad = [iid for iid, s in states.items() if s == "unhealthy" and iid in up_since
                   and now - up_since[iid] >= grace]
            if bad:
                raise RefreshFailed(f"Instances {', '.join(bad)} failed their target group health checks.")
            if all(s == "healthy" for s in states.values()):
                return
            if now > deadline:
                late = [iid for iid, s in states.items() if s != "healthy"]
                raise RefreshFailed(f"Instances {', '.join(late)} did not become healthy within {grace + 60} s.")
            time.sleep(STEP)


class RefreshFailed(Exception):
    pass


def hold_for_drain(agent, inst, now):
    """True while an instance its group terminated (a scale-in) still drains: moto terminates at
    once and keeps it registered, AWS first deregisters it and waits for the deregistration delay.
    Here it is deregistered (at moto and in the agent: no new request reaches it) and halts once
    the longest delay of its target groups has passed."""
    if inst.drain_until is None:
        keys = [(arn, port) for (arn, tid, port), tr in agent.trackers.items() if tid == inst.id and not tr.draining]
        delay = max([agent.drain_delay(arn) for arn, _ in keys], default=0.0)
        inst.drain_until = now + (delay + 1.0 if keys else 0.0)
        if keys:
            agent.fleet_pool.submit(_deregister, agent, inst.id, keys)
    return now < inst.drain_until


def _deregister(agent, iid, keys):
    for arn, port in keys:
        try:
            agent.elb.deregister_targets(TargetGroupArn=arn, Targets=[{"Id": iid, "Port": port}])
        except (ClientError, BotoCoreError) as e:
            agent.refreshes.log(f"{iid}: cannot deregister from {arn}: {e}")
        agent.on_event("DeregisterTargets", arn, [{"id": iid, "port": port}])


def handle(engine, action, params):
    """{"status", "xml"} of one refresh call, for the agent's API."""
    try:
        return {"status": 200, "xml": render(action, engine.call(action, params)).decode()}
    except RefreshError as e:
        return {"status": e.status, "xml": render_error(e.code, e.message).decode()}
    except (ClientError, BotoCoreError) as e:
        return {"status": 400, "xml": render_error("ValidationError", str(e)).decode()}
