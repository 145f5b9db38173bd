#!/usr/bin/env bash
# W1: ten tasks (4 command, 2 shell with a pipe, 2 copy, 1 file state=directory, 1 stat) on ten
# real sshd hosts (scripts/sshd-fleet.sh on 127.0.N.1-10:2222), in one run:
#   play           release build, -f 10
#   ansible-playbook  forks 10, pipelining on, same inventory
#   raw floor      bench/w1/floor.sh: the same commands with plain ssh, hosts in parallel
# Every timed run starts cold: no ssh master alive, the hosts' w1/ directories removed.
# Prints wall times (runs interleaved), the ratios of the medians and play's peak RSS
# (/usr/bin/time -v).
# Targets: play <= 1.2x the raw floor, >= 15x faster than ansible-playbook, peak RSS <= 20 MiB.
#
# Environment: PLAY (an already built play), RUNS (play and floor runs, default 10),
# ANSIBLE_RUNS (default 3), FACTS=1 for W1 with fact gathering (bench/w1-facts.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$HOME/.pyenv/shims:$PATH"
if [ -z "${PLAY:-}" ]; then
  PLAY="$(bash bench/build-release.sh)/play"
fi
# The real script, not the pyenv shim (which would add a bash start-up to ansible's time).
ANSIBLE_PLAYBOOK="$(pyenv which ansible-playbook 2>/dev/null || command -v ansible-playbook)"
RUNS=${RUNS:-10}
ANSIBLE_RUNS=${ANSIBLE_RUNS:-3}
# FACTS=1 (bench/w1-facts.sh): W1 with `gather_facts: true`, Ansible's default, so each tool
# first runs the implicit "Gathering Facts" task (play: one sh script a host; ansible-playbook:
# its Python setup module). The raw floor stays W1's ten commands.
FACTS=${FACTS:-0}
label=W1; out="$root/bench/out/w1"; playbook=bench/w1/w1.yml; recap='ok=10 *changed=9 '
[ "$FACTS" = 1 ] && { label=W1-facts; out="$root/bench/out/w1-facts"; playbook=bench/w1/.w1-facts.yml; recap='ok=11 *changed=9 '; }
# One W1 at a time: two would measure each other, and share bench/out/w1. Commands that may
# leave processes behind (sshd, ssh masters) run with fd 9 closed, so only this script holds it.
exec 9>/tmp/play-bench-w1.lock
flock -n 9 || { echo "$label: waiting for another W1 run to finish" >&2; flock 9; }
rm -rf "$out"
mkdir -p "$out/cp"
if [ "$FACTS" = 1 ]; then
  # W1's playbook, gathering facts; beside the original so its relative files/ resolve.
  sed 's/^  gather_facts: false$/  gather_facts: true/' bench/w1/w1.yml >"$playbook"
  grep -q '^  gather_facts: true$' "$playbook" || { echo "$label: could not turn facts on in w1.yml" >&2; exit 1; }
fi

# A fleet of its own; the next free 127.0.N network if 127.0.2 is taken.
fleet=$(mktemp -d /tmp/w1-fleet-XXXXXX)
cleanup() {
  [ -f "$fleet/reset.sh" ] && bash "$fleet/reset.sh" || true
  scripts/sshd-fleet.sh stop "$fleet" >/dev/null 2>&1 || true
  rm -rf "$fleet"
  [ "$FACTS" = 1 ] && rm -f "$playbook"
  true
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

# Before every timed run: close ansible's persisted masters, forget the remote state.
cat >"$fleet/reset.sh" <<EOF
for s in "$out"/cp/*; do [ -S "\$s" ] && ssh -o ControlPath="\$s" -O exit x >/dev/null 2>&1; done
rm -rf "$fleet"/h*/home/w1
EOF

export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=False ANSIBLE_PIPELINING=True ANSIBLE_FORKS=10
export ANSIBLE_SSH_CONTROL_PATH_DIR="$out/cp"
# In ansible's favour: no interpreter discovery round trip; files go straight through the
# pipe (the fleet's sshd has no sftp subsystem, so ansible's default would try sftp and scp first).
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_SSH_TRANSFER_METHOD=piped

play_cmd="$PLAY -i $fleet/inventory -f 10 $playbook -e fleet_dir=$fleet"
ansible_cmd="$ANSIBLE_PLAYBOOK -i $fleet/inventory -f 10 $playbook -e fleet_dir=$fleet"
floor_cmd="bash bench/w1/floor.sh $fleet"

# Each tool once, checked: it succeeds and leaves the same files on every host.
verify() {  # name, command
  bash "$fleet/reset.sh"
  $2 >"$out/$1.log" 2>&1 9>&- || { echo "$label: $1 failed, see $out/$1.log" >&2; exit 1; }
  if [ "$FACTS" = 1 ] && [ "$1" != floor ]; then
    grep -q 'TASK \[Gathering Facts\]' "$out/$1.log" || { echo "$label: $1 did not gather facts" >&2; exit 1; }
    grep -q "h10 *: $recap" "$out/$1.log" || { echo "$label: unexpected $1 recap, see $out/$1.log" >&2; exit 1; }
  fi
  for k in $(seq 1 "$COUNT"); do
    [ "$(cat "$fleet/h$k/home/w1/host.txt")" = "host h$k" ] &&
      cmp -s "$fleet/h$k/home/w1/payload.txt" bench/w1/files/payload.txt ||
      { echo "$label: $1 left wrong files on h$k" >&2; exit 1; }
  done
}
verify play "$play_cmd"
verify ansible "$ansible_cmd"
verify floor "$floor_cmd"
grep -q "h10 *: $recap" "$out/play.log" || { echo "$label: unexpected play recap, see $out/play.log" >&2; exit 1; }

# play's masters (ControlMaster=yes) still connected to the fleet: play must close them all.
masters() { pgrep -f "ControlMaster=yes.* -- ${NET//./\\.}\.[0-9]+\$" || true; }

# Timed runs, interleaved (play, floor, play, floor, ... with ansible-playbook in the first
# rounds) so that load from other processes on this shared machine weighs on all tools alike.
# Each run is preceded by the reset. Wall time from fork to exit; CPU is user + system of the
# controller-side process tree (the hosts' share, which is this machine too, is not in it).
left=0
python3 - "$out" "$RUNS" "$ANSIBLE_RUNS" "$play_cmd" "$floor_cmd" "$ansible_cmd" "$fleet/reset.sh" <<'PY'
import json, os, shlex, subprocess, sys, time
out, runs, ansible_runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
commands = {"play": sys.argv[4], "floor": sys.argv[5], "ansible-playbook": sys.argv[6]}
reset = sys.argv[7]
times = {name: [] for name in commands}
def timed(name):
    subprocess.run(["bash", reset], check=True)
    start = time.perf_counter()
    child = subprocess.Popen(shlex.split(commands[name]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"W1: {name} failed during the timed runs")
    times[name].append({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime})
for i in range(runs):
    order = ["play", "floor"] if i % 2 == 0 else ["floor", "play"]
    if i < ansible_runs:
        order.append("ansible-playbook")
    for name in order:
        timed(name)
json.dump(times, open(os.path.join(out, "times.json"), "w"), indent=1)
PY
left=$(masters | wc -l)

for i in 1 2 3; do
  bash "$fleet/reset.sh"
  /usr/bin/time -v $play_cmd >/dev/null 2>"$out/time-$i.txt" 9>&-
done

python3 - "$out" "$left" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" "$label" <<'PY'
import json, os, re, statistics, sys
out, left, cores, load, label = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
times = json.load(open(os.path.join(out, "times.json")))
rss = []
for i in (1, 2, 3):
    text = open(os.path.join(out, f"time-{i}.txt")).read()
    rss.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024)
def stats(name):
    walls = [t["wall"] for t in times[name]]
    return statistics.mean(walls), statistics.median(walls), min(walls), statistics.mean(t["cpu"] for t in times[name]), len(walls)
def line(label, name):
    mean, median, low, cpu, n = stats(name)
    return (f"  {label:17} mean {mean:6.2f} s   median {median:6.2f} s   min {low:6.2f} s"
            f"   controller CPU {cpu:5.2f} s   ({n} runs)")
facts = " with fact gathering (the floor runs W1's commands only)" if label == "W1-facts" else ""
print(f"{label}: 10 hosts x 10 tasks over ssh{facts}, cold masters ({cores} cores, load {load} at the end)")
print(line("play", "play"))
print(line("raw floor (ssh)", "floor"))
print(line("ansible-playbook", "ansible-playbook"))
play, floor, ansible = (stats(n) for n in ("play", "floor", "ansible-playbook"))
# Medians: a run that a neighbour's build slowed down should not decide the ratio.
to_floor = play[1] / floor[1]
speedup = ansible[1] / play[1]
peak = max(rss)
ok = lambda met: "met" if met else "MISSED"
print(f"  play / floor        {to_floor:5.2f}x (medians; means {play[0] / floor[0]:.2f}x)   target <= 1.2x: {ok(to_floor <= 1.2)}")
print(f"  ansible / play      {speedup:5.1f}x (medians; means {ansible[0] / play[0]:.1f}x)   target >= 15x: {ok(speedup >= 15)}")
print(f"  play peak RSS       {peak:5.1f} MiB (runs: {', '.join(f'{m:.1f}' for m in rss)})   target <= 20 MiB: {ok(peak <= 20)}")
print(f"  play's ssh masters left after the timed runs: {left}")
PY
