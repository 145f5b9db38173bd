#!/usr/bin/env python3
"""Where the time of a translate-api deploy goes: waiting on AWS and the app versus play's own work.

  bench/deploy.py [--play PATH] [--instances 4] [--runs 3]

Brings up a private sandbox (its own state dir, subnet and load balancer port) and measures
`deploy build 2` (N new instances replacing the N instances of build 1) RUNS times; each run
starts from build 1 serving (teardown, deploy build 1, reset the request counter). For each
measured run, from `play --output json` events and the sandbox's request counter
(GET /_sandbox/stats):

  - wall time of the play process;
  - time inside the tasks that wait (each task from its task_start event to its last host
    result, timestamped as the events arrive: hosts waiting for a fork count as the task's) (ec2_launch: launch, running, status checks; ssh_start: SSH
    connect, upload, app start until its port listens; elb_register: health checks;
    elb_deregister: draining; ec2_state: stopping; health_wait: the load balancer serving v2);
  - time inside AWS reads that do not wait (ec2_info, s3_fetch);
  - play's own work: wall time minus all of the above (process start, parsing, inventory and
    vault, templating, scheduling, set_fact/assert/debug tasks);
  - play's CPU time (user + sys, its ssh clients included);
  - AWS requests by action.
Prints a table and a JSON line per run; tears the sandbox down at the end.
"""
import argparse
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WAITING = {
    "ec2_launch": "launch, running, status checks",
    "ssh_start": "SSH connect, upload, app start",
    "elb_register": "health checks",
    "elb_deregister": "draining",
    "ec2_state": "stopping / terminating",
    "health_wait": "LB serves the new version",
}
AWS_READS = {"ec2_info", "s3_fetch"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_subnet():
    busy = set()
    with open("/proc/net/tcp") as f:
        for line in list(f)[1:]:
            address = int(line.split()[1].split(":")[0], 16)
            if address & 0xFFFF == 0x007F:
                busy.add((address >> 16) & 0xFF)
    choices = [c for c in range(100, 250) if c not in busy]
    return f"127.0.{random.choice(choices)}.0/24"


class Sandbox:
    def __init__(self, vault_cmd):
        self.dir = tempfile.mkdtemp(prefix="play-bench-deploy-")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_VAULT"))}
        self.env.update(SANDBOX_DIR=self.dir, SANDBOX_SUBNET=free_subnet(), SANDBOX_LB_PORT=str(free_port()),
                        NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
        if vault_cmd:
            self.env["VAULT_CMD"] = vault_cmd
        self.ctl("up")
        with open(os.path.join(self.dir, "env.json")) as f:
            self.info = json.load(f)
        self.inventory = self.dir + "-inventory"
        os.makedirs(os.path.join(self.inventory, "group_vars", "all"))
        shutil.copy(os.path.join(REPO, "inventory/sandbox/hosts"), self.inventory)
        shutil.copy(os.path.join(REPO, "inventory/sandbox/group_vars/all/deploy.yml"),
                    os.path.join(self.inventory, "group_vars/all"))
        os.symlink(os.path.join(self.dir, "sandbox-vars.yml"), os.path.join(self.inventory, "group_vars/all/sandbox.yml"))
        os.symlink(os.path.join(self.dir, "vault/aws.yml"), os.path.join(self.inventory, "group_vars/all/vault.yml"))

    def ctl(self, command):
        r = subprocess.run([os.path.join(REPO, "sandbox/sandboxctl"), command], env=self.env, capture_output=True,
                           text=True, timeout=180)
        if r.returncode != 0 and command == "up":
            raise SystemExit(f"sandboxctl up failed:\n{r.stdout}{r.stderr}")

    def stats(self, reset=False):
        request = urllib.request.Request(self.info["endpoint_url"] + "/_sandbox/stats", method="POST" if reset else "GET")
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read() or b"{}")

    def down(self):
        self.ctl("down")
        shutil.rmtree(self.dir, ignore_errors=True)
        shutil.rmtree(self.inventory, ignore_errors=True)


def run_play(play, sandbox, args, json_events=False):
    """Runs play; with json_events, also each stdout line with the time it arrived (play writes
    every event with write(2) as it happens)."""
    argv = [play, "playbooks/translate-api.yml", "-i", sandbox.inventory,
            "--vault-password-file", os.path.join(sandbox.dir, "vault-password")] + args
    if json_events:
        argv += ["--output", "json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    child = subprocess.Popen(argv, cwd=REPO, env=sandbox.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, text=True)
    stderr = []
    reader = threading.Thread(target=lambda: stderr.append(child.stderr.read()), daemon=True)
    reader.start()
    lines = [(time.monotonic() - t0, line) for line in child.stdout]
    child.wait(timeout=600)
    reader.join()
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stdout = "".join(line for _, line in lines)
    if child.returncode != 0:
        raise SystemExit(f"play {' '.join(args)} exited {child.returncode}:\n{stdout[-4000:]}{''.join(stderr)[-2000:]}")
    return lines, wall, cpu


def analyse(lines, wall, cpu, stats):
    """Time in each task: from its task_start event to its last host result, as the events
    arrived. Hosts beyond the forks limit wait for a free slot, so a task on many hosts lasts
    longer than any one host's duration: that wait is the task's, not play's own work."""
    tasks = []   # [module, start, end] per task occurrence, in order
    current = None
    for at, line in lines:
        try:
            e = json.loads(line)
        except ValueError:
            continue
        kind = e.get("event")
        if kind == "task_start":
            current = [None, at, at]
            tasks.append(current)
        elif kind in ("play_start", "recap"):
            current = None
        elif kind == "host_result" and current is not None:
            current[0] = current[0] or e.get("module")
            current[2] = at
    tasks = [(module, end - start) for module, start, end in tasks if module]
    by_module = {}
    for module, duration in tasks:
        by_module[module] = by_module.get(module, 0.0) + duration
    waiting = {m: by_module.get(m, 0.0) for m in WAITING}
    reads = sum(by_module.get(m, 0.0) for m in AWS_READS)
    in_tasks = sum(by_module.values())
    other_tasks = in_tasks - sum(waiting.values()) - reads
    own = wall - in_tasks + other_tasks
    return {"wall": wall, "waiting": waiting, "waiting_total": sum(waiting.values()), "aws_reads": reads,
            "own": own, "own_outside_tasks": wall - in_tasks, "own_in_tasks": other_tasks, "cpu": cpu,
            "aws_requests": stats.get("requests"), "aws_by_action": stats.get("by_action", {})}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--play", default=os.path.join(REPO, ".build/release/play"))
    p.add_argument("--instances", type=int, default=4)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    play = os.path.abspath(args.play)
    if not os.access(play, os.X_OK):
        raise SystemExit(f"no play at {play}: swift build -c release first, or pass --play")
    vault = os.path.join(os.path.dirname(play), "vault")
    sandbox = Sandbox(vault if os.access(vault, os.X_OK) else None)
    count = ["-e", f"app_instance_count={args.instances}"]
    results = []
    try:
        for n in range(args.runs):
            run_play(play, sandbox, ["--tags", "teardown", "-e", "confirm_teardown=yes"])
            run_play(play, sandbox, ["--tags", "deploy", "-e", "version=1"] + count)
            sandbox.stats(reset=True)
            events, wall, cpu = run_play(play, sandbox, ["--tags", "deploy", "-e", "version=2"] + count, json_events=True)
            result = analyse(events, wall, cpu, sandbox.stats())
            results.append(result)
            print(json.dumps({"run": n + 1, "instances": args.instances, **result}), flush=True)
        run_play(play, sandbox, ["--tags", "teardown", "-e", "confirm_teardown=yes"])
    finally:
        sandbox.down()

    def med(key, sub=None):
        values = [r[key][sub] if sub else r[key] for r in results]
        return statistics.median(values)

    print(f"\ndeploy of build 2 replacing build 1, {args.instances} new instances, median of {len(results)} runs ({play})")
    print(f"  wall time                                   {med('wall'):6.2f} s")
    print(f"  waiting (AWS and the app)                   {med('waiting_total'):6.2f} s")
    for module, what in WAITING.items():
        print(f"    {module:<14} {what:<29}{med('waiting', module):6.2f} s")
    print(f"  AWS reads that do not wait (ec2_info, s3)   {med('aws_reads'):6.2f} s")
    print(f"  play's own work                             {med('own'):6.2f} s"
          f"  ({med('own_outside_tasks'):.2f} s outside tasks, {med('own_in_tasks'):.2f} s in set_fact/assert/debug)")
    print(f"  play CPU time (user+sys, ssh clients too)   {med('cpu'):6.2f} s")
    actions = sorted(results[-1]["aws_by_action"].items())
    print(f"  AWS requests                                {results[-1]['aws_requests']}: "
          + ", ".join(f"{'S3 object' if k.startswith('s3:') else k.split(':')[1]} {v}" for k, v in actions))


if __name__ == "__main__":
    main()
