"""sandboxctl up | down | status | env."""

import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid

from . import fleet, motoserver, nginx, procs, resources, sshkeys, vaultfile
from .config import APP_DIR, SANDBOX_ROOT, Settings

DAEMONS = ("moto", "agent", "proxy", "nginx")
LABELS = {"moto": "moto_server", "proxy": "AWS endpoint", "agent": "fleet agent", "nginx": "nginx (the ALB)"}


class UpError(Exception):
    pass


def say(msg):
    print(msg, flush=True)


def load_state(paths):
    try:
        with open(paths.state) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def save_state(paths, state):
    tmp = paths.state + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f, indent=2, sort_keys=True)
    os.replace(tmp, paths.state)


def owns(state, name, paths):
    pid = state.get("pids", {}).get(name, 0)
    if name == "nginx":
        return procs.owned_by_cmdline(pid, f"nginx -p {paths.nginx} ")
    return procs.owned(pid, state["run_id"])


def daemon_status(state, paths):
    return {name: owns(state, name, paths) for name in DAEMONS}


def child_env(settings, run_id):
    """The environment of every sandbox process: no AWS_* or proxy settings of the caller (all
    traffic stays on loopback, all credentials are explicit), plus the run marker."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    env.update({procs.RUN_MARKER: run_id, "SANDBOX_DIR": settings.state_dir, "PYTHONPATH": SANDBOX_ROOT,
                "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"})
    return env


def listening_addresses():
    """(ip, port) of every TCP listener on this machine (IPv4), from /proc/net/tcp."""
    found = set()
    try:
        with open("/proc/net/tcp") as f:
            next(f)
            for line in f:
                fields = line.split()
                if fields[3] != "0A":
                    continue
                hexip, hexport = fields[1].split(":")
                ip = socket.inet_ntoa(bytes.fromhex(hexip)[::-1])
                found.add((ip, int(hexport, 16)))
    except OSError:
        pass
    return found


def preflight(settings):
    missing = [tool for tool in ("nginx", "ssh-keygen", "ssh", "setsid", "tar", "gzip")
               if shutil.which(tool) is None]
    if not os.path.exists("/usr/sbin/sshd"):
        missing.append("/usr/sbin/sshd")
    if missing:
        raise UpError("missing tools: " + ", ".join(missing) + " (run scripts/setup.sh)")
    vault_tool = settings.vault_cmd.split()[0]
    if shutil.which(vault_tool) is None:
        raise UpError(f"VAULT_CMD {settings.vault_cmd!r} not found on PATH (ansible-core provides ansible-vault)")
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)   # sshd refuses to start without it
    listeners = listening_addresses()
    if any(port == settings.lb_port and ip in ("127.0.0.1", "0.0.0.0") for ip, port in listeners):
        raise UpError(f"127.0.0.1:{settings.lb_port} is taken; set SANDBOX_LB_PORT to a free port")
    prefix = settings.subnet_pattern[:-1]
    busy = sorted(f"{ip}:{port}" for ip, port in listeners
                  if ip.startswith(prefix) and port in (settings.ssh_port, settings.app_port))
    if busy:
        raise UpError(f"something already listens in subnet {settings.subnet_cidr} ({', '.join(busy[:4])}): "
                      "another sandbox? Set SANDBOX_SUBNET (e.g. 127.0.2.0/24) or run its `down`")


def wait_file(path, proc, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise UpError(f"{what} exited with {proc.returncode} while starting")
        try:
            with open(path) as f:
                text = f.read().strip()
            if text:
                return int(text)
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    raise UpError(f"{what} did not start within {timeout} s")


def build_all(settings, paths, env):
    os.makedirs(paths.builds, exist_ok=True)
    builds = {}
    for version in settings.builds:
        broken = version in settings.broken_builds
        argv = [os.path.join(APP_DIR, "build.sh"), version, paths.builds] + (["--health-check-fails"] if broken else [])
        r = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
        if r.returncode != 0:
            raise UpError(f"build.sh {version} failed: {r.stderr.strip()}")
        builds[version] = (r.stdout.strip(), broken)
    return builds


def public_env(settings, state):
    """The contents of env.json: every id, name, path and URL a tool or test needs; no secret."""
    res = state["resources"]
    paths = settings.paths
    return dict(res, **{
        "region": settings.region,
        "endpoint_url": f"http://127.0.0.1:{state['ports']['proxy']}",
        "moto_url": f"http://127.0.0.1:{state['ports']['moto']}",
        "lb_url": f"http://127.0.0.1:{settings.lb_port}",
        "app_port": settings.app_port,
        "health_check_path": "/health",
        "ssh_user": "root",
        "ssh_port": settings.ssh_port,
        "ssh_private_key": paths.client_key,
        "ssh_known_hosts": paths.known_hosts,
        "ssh_config": paths.ssh_config,
        "vault_file": paths.vault_file,
        "vault_password_file": paths.vault_password,
        "deregistration_delay": settings.deregistration_delay,
        "health_check_interval": settings.health_interval,
        "state_dir": settings.state_dir,
    })


def vars_yaml(env):
    """sandbox-vars.yml: the variables the playbooks read (YAML, values written as JSON scalars)."""
    items = [
        ("aws_region", env["region"]),
        ("aws_endpoint_url", env["endpoint_url"]),
        ("aws_vault_file", env["vault_file"]),
        ("vpc_id", env["vpc_id"]),
        ("subnet_id", env["subnet_id"]),
        ("availability_zone", env["availability_zone"]),
        ("security_group_id", env["security_group_id"]),
        ("key_name", env["key_name"]),
        ("instance_type", env["instance_type"]),
        ("base_image_id", env["base_image_id"]),
        ("app_name", resources.APP),
        ("app_port", env["app_port"]),
        ("app_health_path", env["health_check_path"]),
        ("app_images", env["app_images"]),
        ("build_bucket", env["bucket"]),
        ("build_prefix", env["build_prefix"]),
        ("target_group_name", env["target_group_name"]),
        ("target_group_arn", env["target_group_arn"]),
        ("load_balancer_name", env["load_balancer_name"]),
        ("load_balancer_arn", env["load_balancer_arn"]),
        ("listener_arn", env["listener_arn"]),
        ("lb_url", env["lb_url"]),
        ("deregistration_delay", env["deregistration_delay"]),
        ("ansible_user", env["ssh_user"]),
        ("ansible_port", env["ssh_port"]),
        ("ansible_ssh_private_key_file", env["ssh_private_key"]),
        ("ansible_ssh_common_args", f"-o UserKnownHostsFile={env['ssh_known_hosts']} -o StrictHostKeyChecking=yes"),
        ("sandbox_dir", env["state_dir"]),
    ]
    lines = ["# Written by sandbox/sandboxctl up; removed by down. Do not edit: ids change every run."]
    lines += [f"{k}: {json.dumps(v)}" for k, v in items]
    return "\n".join(lines) + "\n"


def up(settings):
    paths = settings.paths
    state = load_state(paths)
    if state:
        alive = daemon_status(state, paths)
        if all(alive.values()):
            say(f"sandbox already up ({settings.state_dir}); `sandboxctl status` shows it")
            return 0
        if any(alive.values()):
            dead = ", ".join(LABELS[n] for n, ok in alive.items() if not ok)
            say(f"sandbox is partly up ({dead} not running); run `sandboxctl down` first")
            return 1
        cleanup(paths)   # stale state from a sandbox whose processes are all gone
    preflight(settings)
    os.makedirs(settings.state_dir, exist_ok=True)
    shutil.rmtree(paths.logs, ignore_errors=True)
    os.makedirs(paths.logs)
    run_id = uuid.uuid4().hex[:12]
    state = {"run_id": run_id, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "pids": {}, "ports": {},
             "uts_namespaces": fleet.uts_namespaces_work()}
    save_state(paths, state)
    env = child_env(settings, run_id)
    t0 = time.monotonic()
    try:
        client_pub = sshkeys.generate(paths, settings.subnet_pattern, settings.ssh_port)
        proc, port = motoserver.start(paths.log("moto.log"), env)
        state["pids"]["moto"], state["ports"]["moto"] = proc.pid, port
        save_state(paths, state)
        key_id, secret = motoserver.create_access_key(port, settings.region)
        motoserver.assert_auth_on(port, settings.region, key_id)
        vaultfile.write(paths, settings.vault_cmd, key_id, secret, settings.region)
        builds = build_all(settings, paths, env)
        state["resources"] = resources.create(settings, port, key_id, secret, client_pub, builds)
        save_state(paths, state)

        nginx.prepare(paths.nginx)
        try:
            os.remove(os.path.join(paths.nginx, "admin.sock"))
        except FileNotFoundError:
            pass
        nginx.write_config(paths.nginx, nginx.render(paths.nginx, paths.logs, settings.lb_port, [], 0))
        ngx = nginx.start(paths.nginx, paths.logs, env)
        deadline = time.monotonic() + 10
        while nginx.generation(paths.nginx) != 0:
            if ngx.poll() is not None or time.monotonic() > deadline:
                raise UpError(f"nginx did not start; see {paths.log('nginx-error.log')}")
            time.sleep(0.05)
        state["pids"]["nginx"] = ngx.pid
        save_state(paths, state)

        agent = procs.spawn([sys.executable, "-m", "sandboxlib.agent", settings.state_dir],
                            paths.log("agent.log"), env, stdin=subprocess.PIPE)
        state["pids"]["agent"] = agent.pid
        save_state(paths, state)
        agent.stdin.write((json.dumps({"access_key_id": key_id, "secret_access_key": secret}) + "\n").encode())
        agent.stdin.close()
        state["ports"]["agent"] = wait_file(paths.agent_port, agent, "the fleet agent")
        save_state(paths, state)

        proxy = procs.spawn([sys.executable, "-m", "sandboxlib.proxy", settings.state_dir],
                            paths.log("proxy.log"), env)
        state["pids"]["proxy"] = proxy.pid
        save_state(paths, state)
        state["ports"]["proxy"] = wait_file(paths.proxy_port, proxy, "the AWS endpoint proxy")
        save_state(paths, state)

        public = public_env(settings, state)
        with open(paths.env_json, "w") as f:
            json.dump(public, f, indent=2, sort_keys=True)
            f.write("\n")
        with open(paths.vars_yml, "w") as f:
            f.write(vars_yaml(public))
    except Exception as e:   # noqa: BLE001 - whatever failed, take down what started
        say(f"sandboxctl up failed: {e}")
        say(f"logs: {paths.logs}")
        stop_everything(settings, state, quiet=True)
        cleanup(paths)
        return 1
    say(f"sandbox up in {time.monotonic() - t0:.1f}s (state {settings.state_dir})")
    say(f"  AWS endpoint   {public['endpoint_url']}  region {settings.region}  (moto, signature checking on)")
    say(f"  load balancer  {public['lb_url']}  -> target group {public['target_group_name']}")
    say(f"  subnet         {public['subnet_id']} {settings.subnet_cidr}; instances: ssh root@IP -p {settings.ssh_port}")
    say(f"  vars           {paths.vars_yml}")
    say(f"  credentials    {paths.vault_file} (vault password: {paths.vault_password})")
    return 0


def stop_everything(settings, state, quiet=False):
    """Stops every process of the sandbox, by pid, checking each carries the run's marker."""
    run_id = state["run_id"]
    pids = state.get("pids", {})
    grace = max(settings.stop_grace, 1.0)
    survivors = set()

    def stop(name, sig=signal.SIGTERM):
        pid = pids.get(name, 0)
        if owns(state, name, settings.paths):
            survivors.update(procs.terminate({pid}, grace, sig))
            if not quiet:
                say(f"stopped {LABELS[name]} (pid {pid})")

    stop("agent")          # first, so nothing boots again while the fleet goes down
    daemons = {pids.get(n, 0) for n in DAEMONS}
    sshds = fleet.sshd_pids(settings.paths)
    # One sweep: sshd listeners, their session children (whose environment sshd overwrote) and
    # everything carrying the marker, collected before any of them is signalled.
    fleet_pids = sshds | procs.descendants(sshds) | (procs.find_marked(run_id) - daemons - procs.descendants(daemons))
    if fleet_pids:
        survivors.update(procs.terminate(fleet_pids, grace))
        if not quiet:
            say(f"stopped {len(fleet_pids)} instance process(es) (sshd, sessions, apps)")
    stop("proxy")
    stop("nginx", signal.SIGQUIT)   # graceful: let in-flight requests finish
    stop("moto")
    left = procs.find_marked(run_id)   # anything that forked while we were busy
    if left:
        survivors.update(procs.terminate(left, grace))
    survivors = {p for p in survivors if procs.alive(p)}
    if survivors:
        say(f"warning: processes survived SIGKILL: {sorted(survivors)}")
    return not survivors


def cleanup(paths):
    for part in paths.runtime_parts():
        if os.path.isdir(part):
            shutil.rmtree(part, ignore_errors=True)
        else:
            try:
                os.remove(part)
            except FileNotFoundError:
                pass


def down(settings):
    paths = settings.paths
    state = load_state(paths)
    if not state:
        cleanup(paths)
        say("sandbox is not up")
        return 0
    ok = stop_everything(settings, state)
    cleanup(paths)
    say(f"sandbox down (logs kept in {paths.logs})")
    return 0 if ok else 1


def status(settings, as_json=False):
    paths = settings.paths
    state = load_state(paths)
    if not state:
        if as_json:
            say(json.dumps({"up": False}))
        else:
            say(f"sandbox is down ({settings.state_dir})")
        return 3
    alive = daemon_status(state, paths)
    try:
        with open(paths.agent_state) as f:
            agent_state = json.load(f)
    except (OSError, ValueError):
        agent_state = {}
    code = 0 if all(alive.values()) else 1
    if as_json:
        say(json.dumps({"up": code == 0, "daemons": {n: {"pid": state["pids"].get(n), "running": alive[n]}
                                                     for n in DAEMONS},
                        "ports": state.get("ports", {}), "lb_port": settings.lb_port, **agent_state}, indent=2))
        return code
    ports = state.get("ports", {})
    where = {"moto": f"http://127.0.0.1:{ports.get('moto')}", "proxy": f"http://127.0.0.1:{ports.get('proxy')}",
             "agent": f"api 127.0.0.1:{ports.get('agent')}", "nginx": f"http://127.0.0.1:{settings.lb_port}"}
    say(f"sandbox {'up' if code == 0 else 'PARTLY up'} (state {settings.state_dir}, run {state['run_id']})")
    for n in ("moto", "proxy", "agent", "nginx"):
        say(f"  {LABELS[n]:<16} {'running' if alive[n] else 'NOT RUNNING':<12} pid {state['pids'].get(n)}  {where[n]}")
    insts = agent_state.get("instances", {})
    say(f"instances ({len(insts)}):")
    for iid, i in sorted(insts.items()):
        extra = f"  app v{i['app_version']} pid {i['app_pid']}" if i.get("app_version") else ""
        err = f"  error: {i['error']}" if i.get("error") else ""
        say(f"  {iid}  {i['state']:<10} {i['ip'] or '-':<12} {i['phase']:<8} sshd {i['sshd_pid'] or '-'}{extra}{err}")
    for name, targets in sorted(agent_state.get("target_groups", {}).items()):
        say(f"target group {name}:")
        for t in targets:
            say(f"  {t['id']}:{t['port']}  {t['state']}" + (f" ({t['reason']})" if t.get("reason") else ""))
    ngx = agent_state.get("nginx", {})
    say(f"nginx routes to: {', '.join(ngx.get('servers') or []) or 'nothing (503)'}")
    # Every ALB listener has its own loopback port (STATE/load-balancers.json names them).
    listeners = ngx.get("listeners") or {}
    for lb in agent_state.get("load_balancers", []):
        say(f"load balancer {lb['name']}: {lb['url']}")
        for lst in lb["listeners"]:
            served = listeners.get(lst["url"].rsplit(":", 1)[1]) or []
            say(f"  listener :{lst['port']} -> {lst['url']}  routes to {', '.join(served) or 'nothing (503)'}")
    tasks = agent_state.get("ecs_tasks", [])
    if tasks:
        say(f"ECS tasks ({len(tasks)}):")
        for t in sorted(tasks, key=lambda t: (t["group"], t["ip"])):
            say(f"  {t['id']}  {t['lastStatus']:<12} {t['ip']:<12} {t['group']}  {t['image']}")
    return code


def env_cmd(settings):
    paths = settings.paths
    try:
        with open(paths.env_json) as f:
            env = json.load(f)
    except (OSError, ValueError):
        say("# sandbox is down")
        return 3
    exports = {
        "AWS_ENDPOINT_URL": env["endpoint_url"],
        "AWS_REGION": env["region"],
        "AWS_DEFAULT_REGION": env["region"],
        "SANDBOX_DIR": settings.state_dir,
        "SANDBOX_LB_URL": env["lb_url"],
        "SANDBOX_VARS": paths.vars_yml,
        "SANDBOX_VAULT_FILE": env["vault_file"],
        "SANDBOX_VAULT_PASSWORD_FILE": env["vault_password_file"],
        # As for Ansible: play and vault read the vault password from here when no flag is given.
        "ANSIBLE_VAULT_PASSWORD_FILE": env["vault_password_file"],
        "SANDBOX_SSH_CONFIG": env["ssh_config"],
    }
    say("# eval \"$(sandbox/sandboxctl env)\"   (credentials stay in the vault file)")
    for k, v in exports.items():
        say(f"export {k}={shlex.quote(str(v))}")
    return 0


def main(argv):
    usage = "usage: sandboxctl up | down | status [--json] | env"
    if not argv or argv[0] in ("-h", "--help", "help"):
        say(usage)
        return 0 if argv else 2
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    try:
        settings = Settings.from_env()
    except Exception as e:   # noqa: BLE001 - ConfigError: print and exit
        say(f"sandboxctl: {e}")
        return 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "up" and not rest:
        try:
            return up(settings)
        except UpError as e:
            say(f"sandboxctl up: {e}")
            return 1
    if cmd == "down" and not rest:
        return down(settings)
    if cmd == "status" and rest in ([], ["--json"]):
        return status(settings, as_json=bool(rest))
    if cmd == "env" and not rest:
        return env_cmd(settings)
    say(usage)
    return 2
