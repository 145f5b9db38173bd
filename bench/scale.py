#!/usr/bin/env python3
"""Scale: W1's ten tasks (bench/w1/w1.yml) on hundreds of loopback sshd hosts, in one run.

  bench/scale.py [--play PATH] [--hosts 100,500] [--forks 50,100,500] [--runs 2] [--ansible-forks 100]

For every host count a fleet (bench/scale/fleet.sh: 16 addresses per sshd) and, interleaved:
  play              -f F for each F in --forks (F <= hosts), default output to /dev/null
  raw floor         bench/w1/floor.sh with FORKS=F: the same commands with plain ssh, lockstep
  ansible-playbook  at 100 hosts only, forks --ansible-forks, pipelining (as bench/w1-ssh.sh)
Every run starts cold (no ssh master alive, the hosts' w1/ removed). Measured per run: wall time,
controller CPU (user + sys of the process tree: ssh clients included) and peak RSS (the largest
process of the tree, which is play itself), from wait4. play runs with `--output json`, each
host_result line timestamped as it arrives, for the per-host completion spread: when the hosts'
last results came (first, median, last) and the widest first-to-last gap of one task. Prints a table and the growth from the smallest to the largest fleet; writes
bench/out/scale/results.json.

The machine is shared: figures are noisy, so tools run interleaved and ratios are of medians.
Targets (issue 14): play within 1.3x of the floor; peak RSS under 60 MiB at 500 hosts; CPU and
memory linear in hosts.
"""
import argparse
import json
import os
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "bench", "out", "scale")


def start_fleet(count):
    fleet = tempfile.mkdtemp(prefix=f"scale-{count}-", dir="/tmp")
    for base in range(40, 250, 3):
        r = subprocess.run(["bash", "bench/scale/fleet.sh", "start", fleet, str(count)], cwd=REPO,
                           env={**os.environ, "FLEET_BASE": str(base)}, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
        if r.returncode == 0:
            return fleet
        if r.returncode != 75:
            raise SystemExit(f"fleet of {count} did not start:\n{r.stderr}")
    raise SystemExit("no free 127.0.N networks for the fleet")


def stop_fleet(fleet):
    subprocess.run(["bash", "bench/scale/fleet.sh", "stop", fleet], cwd=REPO, capture_output=True)
    shutil.rmtree(fleet, ignore_errors=True)


class Bench:
    def __init__(self, play, ansible, fleet, count):
        self.fleet, self.count = fleet, count
        self.cp = os.path.join(fleet, "cp")
        os.makedirs(self.cp, exist_ok=True)
        self.play, self.ansible = play, ansible
        self.env = {**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "False",
                    "ANSIBLE_PIPELINING": "True", "ANSIBLE_SSH_CONTROL_PATH_DIR": self.cp,
                    "ANSIBLE_PYTHON_INTERPRETER": "/usr/bin/python3", "ANSIBLE_SSH_TRANSFER_METHOD": "piped",
                    "ANSIBLE_HOST_KEY_CHECKING": "True",
}

    def reset(self):
        """Cold start: ansible's persisted masters closed, every host's w1/ removed."""
        for name in os.listdir(self.cp):
            subprocess.run(["ssh", "-o", f"ControlPath={os.path.join(self.cp, name)}", "-O", "exit", "x"],
                           capture_output=True)
        for k in range(1, self.count + 1):
            shutil.rmtree(os.path.join(self.fleet, f"h{k}", "home", "w1"), ignore_errors=True)

    def argv(self, tool, forks):
        # A loaded 2-core machine takes longer than the 10 s default for hundreds of simultaneous
        # logins; the floor's ssh waits without limit, so the tools get a minute.
        common = ["-i", os.path.join(self.fleet, "inventory"), "-f", str(forks), "bench/w1/w1.yml",
                  "-e", f"fleet_dir={self.fleet}", "-e", "ansible_timeout=60"]
        if tool == "play":
            return [self.play] + common, self.env
        if tool == "ansible-playbook":
            return [self.ansible] + common, {**self.env, "ANSIBLE_FORKS": str(forks)}
        return ["bash", "bench/w1/floor.sh", self.fleet], {**self.env, "FORKS": str(forks)}

    def verify(self):
        for k in range(1, self.count + 1):
            home = os.path.join(self.fleet, f"h{k}", "home", "w1")
            with open(os.path.join(home, "host.txt")) as f:
                if f.read() != f"host h{k}\n":
                    return f"h{k}: wrong host.txt"
            with open(os.path.join(home, "payload.txt"), "rb") as f, \
                    open(os.path.join(REPO, "bench/w1/files/payload.txt"), "rb") as g:
                if f.read() != g.read():
                    return f"h{k}: wrong payload.txt"
        return None

    def timed(self, tool, forks):
        """One cold run. play runs with `--output json` (more output work than its default
        callback), each host_result timestamped as it arrives, for the per-host completion spread."""
        self.reset()
        argv, env = self.argv(tool, forks)
        if tool == "play":
            argv = argv + ["--output", "json"]
        log = open(os.path.join(OUT, f"{tool}-{self.count}-f{forks}.log"), "w")
        start = time.perf_counter()
        child = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=log,
                                 stdin=subprocess.DEVNULL, text=True)
        last, tasks = {}, {}
        for line in child.stdout:
            log.write(line)
            if tool != "play" or '"host_result"' not in line:
                continue
            now = time.perf_counter() - start
            event = json.loads(line)
            last[event["host"]] = now
            first_seen, _ = tasks.get(event["task"], (now, now))
            tasks[event["task"]] = (first_seen, now)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        log.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"scale: {tool} -f {forks} on {self.count} hosts failed, see {log.name}")
        wrong = self.verify()
        if wrong:
            raise SystemExit(f"scale: {tool} -f {forks} on {self.count} hosts left {wrong}")
        result = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024}
        if tool == "play":
            if len(last) != self.count:
                raise SystemExit(f"scale: play -f {forks} reported {len(last)} of {self.count} hosts")
            ends = sorted(last.values())
            result["spread"] = {"first_host_done": ends[0], "last_host_done": ends[-1],
                                "median_host_done": statistics.median(ends), "spread": ends[-1] - ends[0],
                                "widest_task": max(b - a for a, b in tasks.values())}
        return result


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--play", default=None, help="a built play (default: bench/build-release.sh's)")
    p.add_argument("--hosts", default="100,500")
    p.add_argument("--forks", default="50,100,500")
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--ansible-forks", type=int, default=100)
    p.add_argument("--ansible-runs", type=int, default=1)
    args = p.parse_args()
    # A TERM (timeout, Ctrl-C's cousin) still stops the fleet in `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("scale: terminated"))
    play = args.play or os.path.join(subprocess.run(["bash", "bench/build-release.sh"], cwd=REPO, check=True,
                                                    capture_output=True, text=True).stdout.strip(), "play")
    play = os.path.abspath(play)
    ansible = subprocess.run(["bash", "-c", "pyenv which ansible-playbook 2>/dev/null || command -v ansible-playbook"],
                             capture_output=True, text=True).stdout.strip()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    os.makedirs(OUT, exist_ok=True)
    hosts = [int(h) for h in args.hosts.split(",")]
    forks_all = [int(f) for f in args.forks.split(",")]
    results = {}
    for count in hosts:
        fleet = start_fleet(count)
        try:
            bench = Bench(play, ansible, fleet, count)
            forks = [f for f in forks_all if f <= count]
            runs = {}
            for i in range(args.runs):
                order = [("play", f) for f in forks] + [("floor", f) for f in forks]
                if i % 2:
                    order.reverse()
                if count <= 100 and i < args.ansible_runs:
                    order.append(("ansible-playbook", args.ansible_forks))
                for tool, f in order:
                    r = bench.timed(tool, f)
                    runs.setdefault(f"{tool} -f {f}", []).append(r)
                    print(f"  {count} hosts  {tool:17} -f {f:<4} wall {r['wall']:7.2f} s  cpu {r['cpu']:7.2f} s"
                          f"  peak RSS {r['rss_mib']:6.1f} MiB", flush=True)
            results[count] = {"runs": runs}
        finally:
            stop_fleet(fleet)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump({"play": play, "load_at_end": os.getloadavg()[0], "results": results}, f, indent=1)
    report(results, play)


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def report(results, play):
    print(f"\nW1 at scale ({play}; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; medians)")
    for count, data in results.items():
        runs = data["runs"]
        print(f"\n{count} hosts")
        for name in sorted(runs, key=lambda n: (n.split()[0], int(n.split()[-1]))):
            rs = runs[name]
            line = (f"  {name:24} wall {med(rs, 'wall'):7.2f} s  cpu {med(rs, 'cpu'):7.2f} s"
                    f"  peak RSS {max(r['rss_mib'] for r in rs):6.1f} MiB  ({len(rs)} runs)")
            tool, f = name.split()[0], name.split()[-1]
            if tool == "play" and f"floor -f {f}" in runs:
                ratio = med(rs, "wall") / med(runs[f"floor -f {f}"], "wall")
                line += f"  play/floor {ratio:4.2f}x ({'met' if ratio <= 1.3 else 'MISSED'} <= 1.3x)"
            print(line)
        for name, rs in runs.items():
            if not name.startswith("play"):
                continue
            s = rs[-1]["spread"]
            print(f"  {name:<12} (last run) hosts done between {s['first_host_done']:.2f} and {s['last_host_done']:.2f} s"
                  f" (median {s['median_host_done']:.2f}, spread {s['spread']:.2f} s); widest task"
                  f" first-to-last {s['widest_task']:.2f} s")
    counts = sorted(results)
    if len(counts) > 1:
        a, b = counts[0], counts[-1]
        print(f"\ngrowth from {a} to {b} hosts ({b / a:.0f}x hosts)")
        for name in results[b]["runs"]:
            if name not in results[a]["runs"]:
                continue
            ra, rb = results[a]["runs"][name], results[b]["runs"][name]
            print(f"  {name:24} wall {med(rb, 'wall') / med(ra, 'wall'):5.2f}x  cpu {med(rb, 'cpu') / med(ra, 'cpu'):5.2f}x"
                  f"  peak RSS {max(r['rss_mib'] for r in rb) / max(r['rss_mib'] for r in ra):5.2f}x"
                  f"  (cpu per host {med(ra, 'cpu') / a * 1000:.1f} -> {med(rb, 'cpu') / b * 1000:.1f} ms)")


if __name__ == "__main__":
    sys.exit(main())
