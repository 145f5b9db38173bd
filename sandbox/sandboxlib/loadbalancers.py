"""Every Application Load Balancer listener gets its own loopback port in the sandbox's nginx.

The sandbox's own ALB (th3-alb) keeps SANDBOX_LB_PORT (8080) for its first listener (port 80 if
it has one); every other listener of it, and every listener of any other ALB, gets a free port on
127.0.0.1, chosen once and kept while the listener exists (never reused in one sandbox run).
STATE/load-balancers.json names each ALB's URL (its first listener's) and each listener's:

  {"load_balancers": [{"name": "th3-alb", "arn": ..., "dns_name": ..., "url": "http://127.0.0.1:8080",
                       "listeners": [{"arn": ..., "port": 80, "protocol": "HTTP",
                                      "url": "http://127.0.0.1:8080"}]}]}

A listener routes what its default action forwards to (one target group, or a weighted
ForwardConfig); listener rules are not evaluated.
"""

import json
import os
import socket

from botocore.exceptions import ClientError


def forward_groups(actions):
    """[(target group arn, weight)] a listener's default actions forward to."""
    for action in actions or []:
        if action.get("Type") != "forward":
            continue
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups")
        if groups:
            return [(g["TargetGroupArn"], int(g.get("Weight", 1))) for g in groups]
        if action.get("TargetGroupArn"):
            return [(action["TargetGroupArn"], 1)]
    return []


def free_port(taken):
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in taken:
            return port
    raise OSError("no free loopback port for a load balancer listener")


class Ports:
    """listener ARN -> local port, persisted in STATE/lb-ports.json so an agent restart keeps them."""

    def __init__(self, path, main_lb_arn, main_port):
        self.path = path
        self.main_lb_arn = main_lb_arn
        self.main_port = main_port
        try:
            with open(path) as f:
                self.ports = json.load(f)
        except (OSError, ValueError):
            self.ports = {}

    def assign(self, listeners):
        """listeners: [(lb arn, listener arn, listener port)] in moto's order. Returns
        {listener arn: local port}."""
        main = sorted((lst for lst in listeners if lst[0] == self.main_lb_arn), key=lambda lst: (lst[2] != 80, lst[2]))
        wanted = {}
        if main:
            wanted[main[0][1]] = self.main_port
        taken = set(self.ports.values()) | {self.main_port}
        changed = False
        for _, arn, _ in listeners:
            if arn in wanted:
                continue
            if arn not in self.ports:
                self.ports[arn] = free_port(taken)
                taken.add(self.ports[arn])
                changed = True
            wanted[arn] = self.ports[arn]
        if changed:
            tmp = self.path + ".tmp"
            with open(tmp, "w") as f:
                json.dump(self.ports, f, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        return wanted


def read(elb, ports):
    """Every ALB listener moto knows, as [{"lb", "lb_arn", "dns_name", "arn", "port",
    "protocol", "local_port", "groups"}]."""
    lbs = [lb for page in elb.get_paginator("describe_load_balancers").paginate()
           for lb in page["LoadBalancers"] if lb.get("Type", "application") == "application"]
    found = []
    for lb in lbs:
        try:
            listeners = elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
        except ClientError:
            continue
        for lst in sorted(listeners, key=lambda x: (x.get("Port") != 80, x.get("Port") or 0)):
            found.append({"lb": lb["LoadBalancerName"], "lb_arn": lb["LoadBalancerArn"],
                          "dns_name": lb.get("DNSName"), "arn": lst["ListenerArn"], "port": lst.get("Port"),
                          "protocol": lst.get("Protocol"), "groups": forward_groups(lst.get("DefaultActions"))})
    local = ports.assign([(f["lb_arn"], f["arn"], f["port"] or 0) for f in found])
    for f in found:
        f["local_port"] = local[f["arn"]]
    return found


def describe(listeners):
    """The contents of STATE/load-balancers.json."""
    by_lb = {}
    for lst in listeners:
        lb = by_lb.setdefault(lst["lb_arn"], {"name": lst["lb"], "arn": lst["lb_arn"], "dns_name": lst["dns_name"],
                                              "url": f"http://127.0.0.1:{lst['local_port']}", "listeners": []})
        lb["listeners"].append({"arn": lst["arn"], "port": lst["port"], "protocol": lst["protocol"],
                                "url": f"http://127.0.0.1:{lst['local_port']}"})
    return {"load_balancers": sorted(by_lb.values(), key=lambda lb: lb["name"])}
