"""Processes of the sandbox: start detached, find by pid or by environment marker, stop by pid.

Every process the sandbox starts carries SANDBOX_RUN=<run id> in its environment (sshd passes it
on to sessions with SetEnv), and instance processes also SANDBOX_INSTANCE=<instance id>. Before
signalling a pid we check the marker, so a recycled pid of someone else's process is never hit.
"""

import os
import signal
import subprocess
import time

RUN_MARKER = "SANDBOX_RUN"
INSTANCE_MARKER = "SANDBOX_INSTANCE"


def spawn(argv, log_path, env, cwd=None, stdin=subprocess.DEVNULL):
    """Starts argv in its own session with stdout+stderr appended to log_path; returns the Popen."""
    log = open(log_path, "ab", buffering=0)
    try:
        return subprocess.Popen(argv, stdin=stdin, stdout=log, stderr=subprocess.STDOUT,
                                env=env, cwd=cwd, start_new_session=True, close_fds=True)
    finally:
        log.close()


def read_environ(pid):
    """The environment pid was started with, as a dict; {} when it cannot be read."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            raw = f.read()
    except OSError:
        return {}
    env = {}
    for item in raw.split(b"\0"):
        key, sep, value = item.partition(b"=")
        if sep:
            env[key.decode(errors="replace")] = value.decode(errors="replace")
    return env


def _stat(pid):
    """(state letter, ppid) of pid, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read().decode(errors="replace")
    except OSError:
        return None
    # The command name may hold spaces and parentheses; the fields after the last ')' do not.
    rest = raw[raw.rindex(")") + 2:].split()
    return rest[0], int(rest[1])


def alive(pid):
    """True when pid exists and is not a zombie."""
    if not pid:
        return False
    st = _stat(pid)
    return st is not None and st[0] not in ("Z", "X")


def owned(pid, run_id, instance_id=None):
    """True when pid is alive and carries this sandbox's markers."""
    if not alive(pid):
        return False
    env = read_environ(pid)
    if env.get(RUN_MARKER) != run_id:
        return False
    return instance_id is None or env.get(INSTANCE_MARKER) == instance_id


def cmdline(pid):
    """The command line of pid as one string (what ps shows; nginx rewrites it into its title)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def owned_by_cmdline(pid, needle):
    """nginx and sshd overwrite their environment with their process title, so the marker cannot
    be read there; their titles still name the sandbox's private config path (the needle)."""
    return alive(pid) and needle in cmdline(pid)


def find_by_cmdline(needle):
    """Live pids whose command line (or title) contains needle."""
    me = os.getpid()
    return {pid for pid in all_pids() if pid != me and owned_by_cmdline(pid, needle)}


def all_pids():
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def find_marked(run_id, instance_id=None):
    """Live pids whose environment carries SANDBOX_RUN=run_id (and the instance, if given)."""
    me = os.getpid()
    return {pid for pid in all_pids() if pid != me and owned(pid, run_id, instance_id)}


def descendants(root_pids):
    """Every live descendant of root_pids (not the roots themselves)."""
    children = {}
    for pid in all_pids():
        st = _stat(pid)
        if st and st[0] not in ("Z", "X"):
            children.setdefault(st[1], []).append(pid)
    found, todo = set(), list(root_pids)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def terminate(pids, grace, first_signal=signal.SIGTERM):
    """Sends first_signal to pids, waits up to grace seconds, then SIGKILLs what is left.
    Returns the pids that were still alive after SIGKILL (normally none)."""
    pids = {p for p in pids if alive(p)}
    for pid in pids:
        try:
            os.kill(pid, first_signal)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while pids and time.monotonic() < deadline:
        _reap(pids)
        pids = {p for p in pids if alive(p)}
        if pids:
            time.sleep(0.05)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 2
    while pids and time.monotonic() < deadline:
        _reap(pids)
        pids = {p for p in pids if alive(p)}
        if pids:
            time.sleep(0.02)
    return pids


def _reap(pids):
    """Collects those of pids that are exited children of this process (no zombies left behind).
    Only the given pids: waiting on -1 could steal the status another thread's subprocess needs."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass


def read_pid(path):
    try:
        with open(path, encoding="ascii") as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0
