"""Target health as an ALB reports it: the per-target state machine and the DescribeTargetHealth
rewrite. Pure logic without I/O, so selftest.py checks it directly.

moto says every registered target is `healthy` at once and deregistration is instant. The sandbox
reports instead what its load balancer (nginx) sees:
  initial    registered, health checks not yet passed `healthy_threshold` times in a row,
             or passed but nginx does not route to it yet
  healthy    passing and nginx routes to it
  unhealthy  failed `unhealthy_threshold` checks in a row (nginx stops routing to it)
  draining   deregistered, for the deregistration delay; nginx sends it no new requests
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass

ELBV2_NS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"

# (Reason, Description) pairs as AWS documents them for TargetHealth.
REGISTRATION = ("Elb.RegistrationInProgress", "Target registration is in progress")
INITIAL_CHECKS = ("Elb.InitialHealthChecking", "Initial health checks in progress")
DRAINING = ("Target.DeregistrationInProgress", "Target deregistration is in progress")
FAILED = ("Target.FailedHealthChecks", "Health checks failed")
TIMEOUT = ("Target.Timeout", "Request timed out")


def code_mismatch(status):
    return ("Target.ResponseCodeMismatch", f"Health checks failed with these codes: [{status}]")


@dataclass(frozen=True)
class CheckResult:
    """One health check: ok, or the HTTP status it got, or why no status came back."""
    ok: bool
    status: int = 0          # HTTP status when one came back
    timed_out: bool = False
    error: str = ""          # connection error text

    def reason(self):
        if self.status:
            return code_mismatch(self.status)
        if self.timed_out:
            return TIMEOUT
        return FAILED


class TargetTracker:
    """Health of one (target group, target id, port) as the load balancer sees it."""

    def __init__(self, now):
        self.registered_at = now
        self.passing = None          # None until a threshold is reached; then True or False
        self.ok_streak = 0
        self.fail_streak = 0
        self.last_failure = None     # the CheckResult that made it unhealthy
        self.routed = False          # in the nginx configuration that is serving now
        self.ever_healthy = False
        self.drain_started = None
        self.drain_until = None
        self.checking = False        # a health check is in flight (the agent schedules them)
        self.next_check = 0.0

    @property
    def draining(self):
        return self.drain_started is not None

    def record(self, result, healthy_threshold, unhealthy_threshold):
        """Counts one check; returns True when `passing` changed (routing must be recomputed)."""
        before = self.passing
        if result.ok:
            self.ok_streak += 1
            self.fail_streak = 0
            if self.ok_streak >= healthy_threshold:
                self.passing = True
        else:
            self.fail_streak += 1
            self.ok_streak = 0
            self.last_failure = result
            if self.fail_streak >= unhealthy_threshold:
                self.passing = False
        return self.passing != before

    def start_draining(self, now, delay):
        self.drain_started = now
        self.drain_until = now + delay
        self.routed = False

    def drained(self, now):
        return self.draining and now >= self.drain_until

    def set_routed(self, routed):
        self.routed = routed
        if routed:
            self.ever_healthy = True

    def reported(self, routing_required=True):
        """(State, Reason, Description) for DescribeTargetHealth; Reason and Description are
        None for `healthy`. routing_required=False is for target groups no listener forwards
        to: there the health checks alone decide."""
        if self.draining:
            return ("draining",) + DRAINING
        if self.passing is True and (self.routed or not routing_required):
            return ("healthy", None, None)
        if self.passing is False or (self.passing is True and self.ever_healthy):
            failure = self.last_failure or CheckResult(ok=False)
            return ("unhealthy",) + failure.reason()
        return ("initial",) + INITIAL_CHECKS


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _child(elem, name):
    for c in elem:
        if _local(c.tag) == name:
            return c
    return None


def rewrite_describe_target_health(xml_bytes, agent_targets, explicit):
    """Returns moto's DescribeTargetHealth answer with each target's health replaced by what the
    sandbox's load balancer sees.

    agent_targets: {(id, port): {"state", "reason", "description"}} from the fleet agent for
    this target group (registered and draining targets it tracks).
    explicit: the request named its targets (Targets.member.N); otherwise draining targets that
    moto no longer lists are added, as an ALB lists them until the delay ends."""
    root = ET.fromstring(xml_bytes)
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    q = (lambda n: f"{{{ns}}}{n}") if ns else (lambda n: n)
    result = _child(root, "DescribeTargetHealthResult")
    descs = _child(result, "TargetHealthDescriptions") if result is not None else None
    if descs is None:
        return xml_bytes
    seen = set()
    for member in list(descs):
        target = _child(member, "Target")
        health = _child(member, "TargetHealth")
        if target is None or health is None:
            continue
        tid = (_child(target, "Id").text or "").strip()
        port_el = _child(target, "Port")
        port = int(port_el.text) if port_el is not None and port_el.text else None
        seen.add((tid, port))
        moto_state = (_child(health, "State").text or "").strip()
        reason_el = _child(health, "Reason")
        moto_reason = (reason_el.text or "").strip() if reason_el is not None else ""
        info = agent_targets.get((tid, port))
        if moto_state == "healthy":
            # Registered and running at moto: the agent decides. Unknown to it = just registered.
            if info is None or info["state"] == "draining":
                new = ("initial",) + REGISTRATION
            else:
                new = (info["state"], info.get("reason"), info.get("description"))
        elif moto_state == "unused" and moto_reason == "Target.NotRegistered" and info \
                and info["state"] == "draining":
            new = ("draining",) + DRAINING
        else:
            continue   # unused/InvalidState (stopped instance) and the like: moto is right
        _set_health(health, q, *new)
    if not explicit:
        for (tid, port), info in sorted(agent_targets.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
            if info["state"] != "draining" or (tid, port) in seen:
                continue
            member = ET.SubElement(descs, q("member"))
            target = ET.SubElement(member, q("Target"))
            ET.SubElement(target, q("Id")).text = tid
            if port is not None:
                ET.SubElement(target, q("Port")).text = str(port)
            ET.SubElement(member, q("HealthCheckPort")).text = "traffic-port"
            health = ET.SubElement(member, q("TargetHealth"))
            _set_health(health, q, "draining", *DRAINING)
    if ns:
        return ET.tostring(root, encoding="unicode", default_namespace=ns).encode()
    return ET.tostring(root, encoding="unicode").encode()


def _set_health(health, q, state, reason, description):
    for c in list(health):
        health.remove(c)
    ET.SubElement(health, q("State")).text = state
    if reason:
        ET.SubElement(health, q("Reason")).text = reason
    if description:
        ET.SubElement(health, q("Description")).text = description
