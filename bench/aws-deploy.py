#!/usr/bin/env python3
"""play and ansible-playbook side by side on the same amazon.aws-style deploy.

  bench/aws-deploy.py [--play PATH] [--ansible-playbook PATH] [--runs 1]

Brings up a private sandbox, deploys build 1 with play (not measured), then RUNS times each:
play deploys build 2 over build 1, ansible-playbook (with the amazon.aws/community.aws
collections; venv from scripts/aws-venv.sh) deploys build 1 back over build 2 — the same file,
playbooks/examples/amazon-aws-deploy.yml, the same inventory (sandbox.aws_ec2.yml), the same
two instances replaced by two new ones (ansible with pipelining on, its faster setting). For each run: wall time, AWS requests the sandbox's
endpoint answered (/_sandbox/stats; the inventory plugin's calls included), controller CPU
(user + sys of the tool and every process it started: ssh, ansible's workers and modules) and
the peak RSS of its largest process. Prints a table and one JSON line per run; tears the
sandbox down at the end.
"""
import argparse
import json
import os
import subprocess
import sys

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)
from deploy import Sandbox  # noqa: E402 - the private sandbox of bench/deploy.py

PLAYBOOK = "playbooks/examples/amazon-aws-deploy.yml"
INVENTORY = "playbooks/examples/sandbox.aws_ec2.yml"
# Runs one command and reports its children's CPU and largest RSS: a fresh process per measured
# run, so RUSAGE_CHILDREN holds that run alone.
MEASURE = """
import json, resource, subprocess, sys, time
t0 = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
wall = time.monotonic() - t0
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": r.returncode, "wall": wall, "cpu": u.ru_utime + u.ru_stime, "maxrss_kib": u.ru_maxrss,
                  "tail": r.stdout[-3000:]}))
"""


def aws_environment(sandbox):
    os.environ["SANDBOX_DIR"] = sandbox.dir
    sys.path.insert(0, os.path.join(REPO, "sandbox"))
    from sandboxlib import vaultfile
    from sandboxlib.config import Settings
    settings = Settings.from_env()
    creds = vaultfile.read(settings.paths, settings.vault_cmd)
    env = dict(sandbox.env)
    env.update(AWS_ACCESS_KEY_ID=creds["aws_access_key_id"], AWS_SECRET_ACCESS_KEY=creds["aws_secret_access_key"],
               AWS_ENDPOINT_URL=sandbox.info["endpoint_url"], AWS_REGION=sandbox.info["region"],
               AWS_DEFAULT_REGION=sandbox.info["region"])
    return env


def deploy(tool, sandbox, env, version):
    argv = [sys.executable, "-c", MEASURE, tool, "-i", INVENTORY, PLAYBOOK,
            "-e", "@" + os.path.join(sandbox.dir, "sandbox-vars.yml"), "-e", f"version={version}"]
    sandbox.stats(reset=True)
    r = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    result = json.loads(r.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{tool} (version {version}) exited {result['rc']}:\n{result['tail']}")
    result["aws_requests"] = sandbox.stats().get("requests")
    del result["tail"]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--play", default=os.path.join(REPO, ".build/release/play"))
    parser.add_argument("--ansible-playbook", default=os.path.expanduser(
        os.environ.get("PLAY_AWS_VENV", "~/.cache/play/aws-venv") + "/bin/ansible-playbook"))
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    for tool in (args.play, args.ansible_playbook):
        if not os.access(tool, os.X_OK):
            raise SystemExit(f"{tool} is missing (swift build -c release; scripts/aws-venv.sh)")
    vault = os.path.join(os.path.dirname(args.play), "vault")
    sandbox = Sandbox(vault if os.access(vault, os.X_OK) else None)
    try:
        env = aws_environment(sandbox)
        ansible_env = dict(env, PATH=os.path.dirname(args.ansible_playbook) + ":" + env.get("PATH", "/usr/bin:/bin"),
                           ANSIBLE_PYTHON_INTERPRETER="auto_silent", ANSIBLE_PIPELINING="True")
        deploy(args.play, sandbox, env, "1")
        rows = []
        for run in range(args.runs):
            for name, tool, tool_env, version in (("play", args.play, env, "2"),
                                                   ("ansible-playbook", args.ansible_playbook, ansible_env, "1")):
                result = deploy(tool, sandbox, tool_env, version)
                result.update(tool=name, run=run + 1, version=version)
                print(json.dumps(result), flush=True)
                rows.append(result)
        print(f"\n{'tool':<18}{'wall s':>8}{'AWS req':>9}{'CPU s':>8}{'peak RSS MiB':>14}")
        for row in rows:
            print(f"{row['tool']:<18}{row['wall']:>8.1f}{row['aws_requests']:>9}{row['cpu']:>8.1f}{row['maxrss_kib'] / 1024:>14.1f}")
    finally:
        sandbox.down()


if __name__ == "__main__":
    main()
