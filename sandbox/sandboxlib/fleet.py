"""Booting and halting one sandbox instance: an sshd on its private IP, its home directory, and
the app baked into its AMI.

Layout of an instance (under STATE/instances/i-.../):
  home/            HOME of every ssh session; survives stop/start, removed on terminate
  sshd_config      this instance's sshd (ListenAddress PRIVATE_IP:2222)
  sshd.pid  sshd.log
  baked-app.pid    pid of the AMI's app, when the image carries one
"""

import os
import shutil
import socket
import subprocess
import tarfile
import time

from . import procs
STD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SFTP_SERVER = "/usr/lib/openssh/sftp-server"
FORCE_COMMAND = 'cd "$HOME" && eval "${SSH_ORIGINAL_COMMAND:-exec bash -l}"'


class BootError(Exception):
    pass


def hostname_for(ip):
    """EC2's private DNS host name for an address: ip-127-0-1-4."""
    return "ip-" + ip.replace(".", "-")


def uts_namespaces_work():
    """True when `unshare --uts` works here, so each instance can have its own host name."""
    try:
        return subprocess.run(["unshare", "--uts", "true"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=5).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _detached(argv, env, log_path, hostname, uts):
    """Starts argv in a new session (setsid -f forks, so the agent has no child to reap),
    inside its own UTS namespace named `hostname` when supported."""
    if uts:
        argv = ["unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', hostname] + argv
    with open(log_path, "ab", buffering=0) as log:
        r = subprocess.run(["setsid", "-f"] + argv, stdin=subprocess.DEVNULL, stdout=log,
                           stderr=subprocess.STDOUT, env=env, timeout=10)
    if r.returncode != 0:
        raise BootError(f"could not start {argv[0]} (exit {r.returncode}); see {log_path}")


def extract(tarball, dest):
    """Unpacks a build tarball, refusing members that would land outside dest (Debian 12's
    Python 3.11.2 predates tarfile's extraction filters)."""
    root = os.path.realpath(dest)
    with tarfile.open(tarball) as tf:
        for m in tf.getmembers():
            target = os.path.realpath(os.path.join(root, m.name))
            if not (target == root or target.startswith(root + os.sep)) or m.issym() or m.islnk() \
                    or not (m.isfile() or m.isdir()):
                raise BootError(f"{tarball}: refusing member {m.name!r}")
        if hasattr(tarfile, "tar_filter"):
            tf.extractall(root, filter="tar")
        else:
            tf.extractall(root)


def instance_env(instance_id, run_id, home, hostname):
    return {"HOME": home, "PATH": STD_PATH, "LANG": "C.UTF-8", "USER": "root", "LOGNAME": "root",
            "SHELL": "/bin/bash", procs.RUN_MARKER: run_id, procs.INSTANCE_MARKER: instance_id,
            "SANDBOX_HOSTNAME": hostname}


def prepare_home(home):
    """A fresh, clean home as a stock cloud image has it (no pyenv, nothing slow in .bashrc)."""
    if os.path.isdir(home):
        return False
    os.makedirs(home, mode=0o700)
    with open(os.path.join(home, ".bashrc"), "w") as f:
        f.write("# sandbox instance: intentionally empty, remote commands stay cheap\n")
    with open(os.path.join(home, ".profile"), "w") as f:
        f.write('[ -n "$BASH" ] && [ -f ~/.bashrc ] && . ~/.bashrc\n')
    return True


def sshd_config(inst_dir, ip, ssh_port, host_key, authorized_keys, home, instance_id, run_id, hostname):
    setenv = " ".join(f'"{kv}"' for kv in [f"HOME={home}", f"{procs.INSTANCE_MARKER}={instance_id}",
                                             f"{procs.RUN_MARKER}={run_id}",
                                             f"SANDBOX_HOSTNAME={hostname}", "LANG=C.UTF-8"])
    return "\n".join([
        f"# sshd of sandbox instance {instance_id}",
        f"ListenAddress {ip}:{ssh_port}",
        f"HostKey {host_key}",
        f"PidFile {inst_dir}/sshd.pid",
        f"AuthorizedKeysFile {authorized_keys}",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        "UsePAM no",
        "StrictModes no",
        "UseDNS no",
        "PrintMotd no",
        "PrintLastLog no",
        "MaxStartups 200",
        "MaxSessions 200",
        "ClientAliveInterval 0",
        "LogLevel INFO",
        # HOME points every session at the instance's own home; the markers let the agent find
        # (and kill) every process started on this instance.
        f"SetEnv {setenv}",
        # Start every command, shell and sftp session inside the instance's home. Inline, so the
        # login shell sshd starts anyway runs the command itself: no extra process per command.
        f"ForceCommand {FORCE_COMMAND}",
        f"Subsystem sftp {SFTP_SERVER} -d {home}",
        "",
    ])


def _port_open(ip, port, timeout=0.2):
    try:
        with socket.create_connection((ip, port), timeout=timeout):
            return True
    except OSError:
        return False


def boot(paths, instance_id, ip, ssh_port, run_id, uts, app=None, user_data=None):
    """Boots an instance: its sshd, then the baked app if any, then (first boot only) its user
    data when that is a script. app: (version, build tarball, app_port).
    Returns {"sshd_pid", "app_pid", "hostname"}."""
    inst_dir = paths.instance_dir(instance_id)
    os.makedirs(inst_dir, exist_ok=True)
    home = os.path.join(inst_dir, "home")
    first_boot = prepare_home(home)
    hostname = hostname_for(ip)
    env = instance_env(instance_id, run_id, home, hostname)
    cfg = os.path.join(inst_dir, "sshd_config")
    with open(cfg, "w") as f:
        f.write(sshd_config(inst_dir, ip, ssh_port, paths.host_key, paths.authorized_keys, home,
                            instance_id, run_id, hostname))
    pid_file = os.path.join(inst_dir, "sshd.pid")
    stale = sshd_pids(paths, instance_id)
    if stale:   # a listener left from an earlier boot would hold the address
        procs.terminate(stale, 1.0)
    if os.path.exists(pid_file):
        os.remove(pid_file)
    log = os.path.join(inst_dir, "sshd.log")
    _detached(["/usr/sbin/sshd", "-D", "-f", cfg, "-E", log], env, log, hostname, uts)
    deadline = time.monotonic() + 10
    sshd_pid = 0
    while time.monotonic() < deadline:
        sshd_pid = procs.read_pid(pid_file)
        if sshd_pid and _port_open(ip, ssh_port):
            break
        time.sleep(0.02)
    else:
        raise BootError(f"sshd of {instance_id} did not listen on {ip}:{ssh_port} within 10 s; see {log}")
    app_pid = 0
    if app is not None:
        version, tarball, app_port = app
        app_dir = os.path.join(home, f"th3-server-{version}")
        if first_boot or not os.path.isdir(app_dir):
            extract(tarball, home)
        app_pid_file = os.path.join(inst_dir, "baked-app.pid")
        if os.path.exists(app_pid_file):
            os.remove(app_pid_file)
        app_log = os.path.join(home, "th3-server.log")
        _detached(["sh", "-c", 'echo $$ > "$0" && cd "$HOME" && exec "$@"', app_pid_file,
                   os.path.join(app_dir, "run.sh"), "--bind", ip, "--port", str(app_port)],
                  env, app_log, hostname, uts)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not app_pid:
            app_pid = procs.read_pid(app_pid_file)
            time.sleep(0.02)
    if first_boot and user_data and user_data.startswith(b"#!"):
        # What cloud-init does with a user-data script: run it once, as root, on first boot.
        script = os.path.join(inst_dir, "user-data")
        with open(script, "wb") as f:
            f.write(user_data)
        os.chmod(script, 0o700)
        _detached(["sh", "-c", 'cd "$HOME" && exec "$0"', script], env,
                  os.path.join(home, "cloud-init-output.log"), hostname, uts)
    return {"sshd_pid": sshd_pid, "app_pid": app_pid, "hostname": hostname}


def sshd_running(paths, instance_id, pid):
    """True when pid is this instance's sshd listener (checked by its config path: sshd
    overwrites its environment with its process title, so the marker is not readable)."""
    return procs.owned_by_cmdline(pid, f"-f {paths.instance_dir(instance_id)}/sshd_config ")


def sshd_pids(paths, instance_id=None):
    """The live sshd processes of one instance, or of all, found by the config path in their
    title (so also those whose pid file is gone)."""
    needle = (f"-f {paths.instance_dir(instance_id)}/sshd_config " if instance_id
              else f"-f {paths.instances}/")
    return {pid for pid in procs.find_by_cmdline(needle) if "sshd" in procs.cmdline(pid).split(" ", 1)[0]}


def halt(paths, instance_id, run_id, grace):
    """Stops everything of an instance: its sshd, the sshd's session processes and every process
    that carries the instance's marker, collected in one sweep before any is signalled (sessions
    lose their link to the listener once it dies). Returns pids that survived SIGKILL."""
    inst_dir = paths.instance_dir(instance_id)
    sshd_pid = procs.read_pid(os.path.join(inst_dir, "sshd.pid"))
    left = set()
    for _ in range(5):
        roots = sshd_pids(paths, instance_id)
        if sshd_running(paths, instance_id, sshd_pid):
            roots.add(sshd_pid)
        pids = roots | procs.descendants(roots) | procs.find_marked(run_id, instance_id)
        if not pids:
            break
        left = procs.terminate(pids, grace)
    for name in ("sshd.pid", "baked-app.pid"):
        try:
            os.remove(os.path.join(inst_dir, name))
        except FileNotFoundError:
            pass
    return left


def destroy(paths, instance_id):
    """Removes a terminated instance's directory, home included."""
    shutil.rmtree(paths.instance_dir(instance_id), ignore_errors=True)
