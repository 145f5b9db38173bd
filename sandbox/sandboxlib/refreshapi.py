"""Instance refresh as the Auto Scaling API shows it: the request's parameters, one refresh's
state and its DescribeInstanceRefreshes member, the Query XML answers and errors. The engine
that runs refreshes is sandboxlib/autoscaling.py.
"""

import threading
import uuid
from datetime import datetime, timezone
from xml.sax.saxutils import escape

XMLNS = "http://autoscaling.amazonaws.com/doc/2011-01-01/"


class RefreshError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class Stop(Exception):
    """The refresh was cancelled (or rolled back by request) between two steps."""


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_params(params):
    """A StartInstanceRefresh request's Query parameters as the API's structure."""
    prefs = {}
    p = "Preferences."
    for key in ("MinHealthyPercentage", "MaxHealthyPercentage", "InstanceWarmup", "CheckpointDelay",
                "BakeTime"):
        if p + key in params:
            prefs[key] = int(params[p + key])
    for key in ("SkipMatching", "AutoRollback"):
        if p + key in params:
            prefs[key] = params[p + key].lower() == "true"
    for key in ("ScaleInProtectedInstances", "StandbyInstances"):
        if p + key in params:
            prefs[key] = params[p + key]
    checkpoints = sorted((int(k.rsplit(".", 1)[1]), int(v)) for k, v in params.items()
                         if k.startswith(p + "CheckpointPercentages.member."))
    if checkpoints:
        prefs["CheckpointPercentages"] = [v for _, v in checkpoints]
    desired = {}
    d = "DesiredConfiguration.LaunchTemplate."
    for key in ("LaunchTemplateId", "LaunchTemplateName", "Version"):
        if d + key in params:
            desired[key] = params[d + key]
    return prefs, ({"LaunchTemplate": desired} if desired else None)


class Refresh:
    def __init__(self, group, prefs, desired, previous, strategy):
        self.id = str(uuid.uuid4())
        self.group = group
        self.strategy = strategy
        self.prefs = prefs
        self.desired = desired          # DesiredConfiguration as asked, or None
        self.previous = previous        # the group's launch template before the refresh
        self.status = "Pending"
        self.reason = None
        self.start_time = now_iso()
        self.end_time = None
        self.to_update = 0
        self.done = 0
        self.rollback = None            # {"reason", "start", "to_update", "done", "before_pct", "before_left"}
        self.cancel = threading.Event()
        self.rollback_asked = threading.Event()

    def percentage(self):
        if self.to_update == 0:
            return 100 if self.status in ("Successful",) else 0
        return int(100 * self.done / self.to_update)

    def describe(self):
        d = {"InstanceRefreshId": self.id, "AutoScalingGroupName": self.group, "Strategy": self.strategy,
             "Status": self.status, "StartTime": self.start_time,
             "PercentageComplete": self.percentage() if not self.rollback else self.rollback["before_pct"],
             "InstancesToUpdate": (self.to_update - self.done) if not self.rollback else self.rollback["before_left"],
             "Preferences": self.prefs}
        d["ProgressDetails"] = {"LivePoolProgress": {"PercentageComplete": d["PercentageComplete"],
                                                     "InstancesToUpdate": d["InstancesToUpdate"]}}
        if self.reason:
            d["StatusReason"] = self.reason
        if self.end_time:
            d["EndTime"] = self.end_time
        if self.desired:
            d["DesiredConfiguration"] = self.desired
        if self.rollback:
            rb = self.rollback
            pct = int(100 * rb["done"] / rb["to_update"]) if rb["to_update"] else (100 if rb.get("finished") else 0)
            d["RollbackDetails"] = {
                "RollbackReason": rb["reason"], "RollbackStartTime": rb["start"],
                "PercentageCompleteOnRollback": pct, "InstancesToUpdateOnRollback": rb["to_update"] - rb["done"],
                "ProgressDetailsOnRollback": {"LivePoolProgress": {
                    "PercentageComplete": pct, "InstancesToUpdate": rb["to_update"] - rb["done"]}}}
        return d


def _xml(value, name=None):
    if isinstance(value, dict):
        return "".join(f"<{k}>{_xml(v, k)}</{k}>" for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return "".join(f"<member>{_xml(v)}</member>" for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def render(action, result):
    rid = uuid.uuid4()
    return (f'<{action}Response xmlns="{XMLNS}"><{action}Result>{_xml(result)}</{action}Result>'
            f"<ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata></{action}Response>").encode()


def render_error(code, message):
    return (f'<ErrorResponse xmlns="{XMLNS}"><Error><Type>Sender</Type><Code>{escape(code)}</Code>'
            f"<Message>{escape(message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId>"
            "</ErrorResponse>").encode()
