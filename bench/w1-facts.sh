#!/usr/bin/env bash
# W1 with facts: bench/w1/w1.yml with `gather_facts: true` (Ansible's default) on ten real sshd
# hosts (scripts/sshd-fleet.sh on 127.0.N.1-10:2222): the implicit "Gathering Facts" task, then
# W1's ten tasks, in one run:
#   play              release build, -f 10 (facts from one sh script, no Python on the hosts)
#   ansible-playbook  forks 10, pipelining on, same inventory (facts from its Python setup module)
# Every timed run starts cold: no ssh master alive, the hosts' w1/ directories removed.
# Prints wall times (runs interleaved) and the ratio of the medians.
#
# Environment: PLAY (an already built play), RUNS (play runs, default 10), ANSIBLE_RUNS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$HOME/.pyenv/shims:$PATH"
if [ -z "${PLAY:-}" ]; then
  PLAY="$(bash bench/build-release.sh)/play"
fi
ANSIBLE_PLAYBOOK="$(pyenv which ansible-playbook 2>/dev/null || command -v ansible-playbook)"
RUNS=${RUNS:-10}
ANSIBLE_RUNS=${ANSIBLE_RUNS:-3}
out="$root/bench/out/w1-facts"
# Shares W1's lock: two W1 runs would measure each other.
exec 9>/tmp/play-bench-w1.lock
flock -n 9 || { echo "W1-facts: waiting for another W1 run to finish" >&2; flock 9; }
rm -rf "$out"
mkdir -p "$out/cp"
# W1's playbook, gathering facts; beside the original so its relative files/ resolve.
playbook=bench/w1/.w1-facts.yml
sed 's/^  gather_facts: false$/  gather_facts: true/' bench/w1/w1.yml >"$playbook"
grep -q '^  gather_facts: true$' "$playbook" || { echo "W1-facts: could not turn facts on in w1.yml" >&2; exit 1; }

fleet=$(mktemp -d /tmp/w1-fleet-XXXXXX)
cleanup() {
  [ -f "$fleet/reset.sh" ] && bash "$fleet/reset.sh" || true
  scripts/sshd-fleet.sh stop "$fleet" >/dev/null 2>&1 || true
  rm -rf "$fleet" "$playbook"
}
trap cleanup EXIT
started=no
for n in $(seq 2 30); do
  status=0
  FLEET_NET=127.0.$n scripts/sshd-fleet.sh start "$fleet" 10 >"$out/fleet.log" 2>&1 9>&- || status=$?
  if [ $status = 0 ]; then started=yes; break; fi
  [ $status = 75 ] || break
done
[ $started = yes ] || { cat "$out/fleet.log" >&2; exit 1; }
# shellcheck disable=SC1091
. "$fleet/fleet.env"

cat >"$fleet/reset.sh" <<EOS
for s in "$out"/cp/*; do [ -S "\$s" ] && ssh -o ControlPath="\$s" -O exit x >/dev/null 2>&1; done
rm -rf "$fleet"/h*/home/w1
EOS

export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=False ANSIBLE_PIPELINING=True ANSIBLE_FORKS=10
export ANSIBLE_SSH_CONTROL_PATH_DIR="$out/cp"
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_SSH_TRANSFER_METHOD=piped

play_cmd="$PLAY -i $fleet/inventory -f 10 $playbook -e fleet_dir=$fleet"
ansible_cmd="$ANSIBLE_PLAYBOOK -i $fleet/inventory -f 10 $playbook -e fleet_dir=$fleet"

# Each tool once, checked: it succeeds, gathers facts, and leaves the same files on every host.
verify() {  # name, command
  bash "$fleet/reset.sh"
  $2 >"$out/$1.log" 2>&1 9>&- || { echo "W1-facts: $1 failed, see $out/$1.log" >&2; exit 1; }
  grep -q 'TASK \[Gathering Facts\]' "$out/$1.log" || { echo "W1-facts: $1 did not gather facts" >&2; exit 1; }
  grep -q 'h10 *: ok=11 *changed=9 ' "$out/$1.log" || { echo "W1-facts: unexpected $1 recap, see $out/$1.log" >&2; exit 1; }
  for k in $(seq 1 "$COUNT"); do
    [ "$(cat "$fleet/h$k/home/w1/host.txt")" = "host h$k" ] &&
      cmp -s "$fleet/h$k/home/w1/payload.txt" bench/w1/files/payload.txt ||
      { echo "W1-facts: $1 left wrong files on h$k" >&2; exit 1; }
  done
}
verify play "$play_cmd"
verify ansible "$ansible_cmd"

python3 - "$out" "$RUNS" "$ANSIBLE_RUNS" "$play_cmd" "$ansible_cmd" "$fleet/reset.sh" "$(nproc)" <<'PY'
import os, shlex, statistics, subprocess, sys, time
out, runs, ansible_runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
commands = {"play": sys.argv[4], "ansible-playbook": sys.argv[5]}
reset, cores = sys.argv[6], sys.argv[7]
times = {name: [] for name in commands}
def timed(name):
    subprocess.run(["bash", reset], check=True)
    start = time.perf_counter()
    child = subprocess.Popen(shlex.split(commands[name]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"W1-facts: {name} failed during the timed runs")
    times[name].append({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime})
# Interleaved, so load from other processes on this shared machine weighs on both alike.
for i in range(runs):
    timed("play")
    if i < ansible_runs:
        timed("ansible-playbook")
def line(name):
    walls = [t["wall"] for t in times[name]]
    cpu = statistics.mean(t["cpu"] for t in times[name])
    return (f"  {name:17} mean {statistics.mean(walls):6.2f} s   median {statistics.median(walls):6.2f} s"
            f"   min {min(walls):6.2f} s   controller CPU {cpu:5.2f} s   ({len(walls)} runs)")
load = open("/proc/loadavg").read().split()[0]
print(f"W1-facts: 10 hosts, gather_facts: true + 10 tasks over ssh, cold masters ({cores} cores, load {load} at the end)")
print(line("play"))
print(line("ansible-playbook"))
ratio = statistics.median(t["wall"] for t in times["ansible-playbook"]) / statistics.median(t["wall"] for t in times["play"])
print(f"  ansible / play      {ratio:5.1f}x (medians)")
PY
