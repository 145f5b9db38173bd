#!/usr/bin/env bash
# W1 (bench/w1/w1.yml: ten tasks) on sandbox instances, over aws_ssm and over ssh, in one run:
# a private sandbox (sandbox/sandboxctl, its own state dir, subnet and LB port), COUNT instances
# (default 4), then RUNS (default 5) interleaved runs of each transport, every run with the
# hosts' w1/ directories removed. Prints the wall times, their medians and, per aws_ssm run, the
# SSM calls the sandbox's endpoint answered (SendCommand is batched: one call for the hosts that
# run the same command at once).
# The sandbox's SSM runs each command at once (no agent polling interval, no network), so this
# measures play's side of aws_ssm: a real fleet adds SSM's own delivery latency to every command.
# Environment: PLAY (an already built play), COUNT, RUNS.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$HOME/.pyenv/shims:$PATH" NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
if [ -z "${PLAY:-}" ]; then
  PLAY="$(bash bench/build-release.sh)/play"
fi
COUNT=${COUNT:-4}
RUNS=${RUNS:-5}
work=$(mktemp -d /tmp/play-bench-ssm-XXXXXX)
export SANDBOX_DIR="$work/sandbox"
# A /24 of loopback and a port nobody listens on.
read -r SANDBOX_SUBNET SANDBOX_LB_PORT < <(python3 - <<'PY'
import random, socket
busy = set()
for line in open("/proc/net/tcp").read().splitlines()[1:]:
    a = line.split()[1].split(":")[0]
    busy.add(".".join(str(int(a[i:i + 2], 16)) for i in (6, 4, 2, 0)).rsplit(".", 1)[0])
c = random.choice([c for c in range(20, 100) if f"127.0.{c}" not in busy])
s = socket.socket(); s.bind(("127.0.0.1", 0))
print(f"127.0.{c}.0/24", s.getsockname()[1])
PY
)
export SANDBOX_SUBNET SANDBOX_LB_PORT
cleanup() { sandbox/sandboxctl down >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
sandbox/sandboxctl up >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; exit 1; }
inv="$work/inventory"
mkdir -p "$inv/group_vars/all"
ln -s "$SANDBOX_DIR/sandbox-vars.yml" "$inv/group_vars/all/sandbox.yml"
ln -s "$SANDBOX_DIR/vault/aws.yml" "$inv/group_vars/all/vault.yml"
echo "localhost ansible_connection=local" >"$inv/hosts"
pw=(--vault-password-file "$SANDBOX_DIR/vault-password")
"$PLAY" bench/w1/ssm-launch.yml -i "$inv" "${pw[@]}" -e count="$COUNT" >"$work/launch.log" 2>&1 \
  || { cat "$work/launch.log" >&2; exit 1; }
# The fleet: instance ids as host names; ssh reaches them at their address, aws_ssm by id.
python3 - "$SANDBOX_DIR" "$inv" <<'PY'
import json, sys
state = json.load(open(sys.argv[1] + "/agent-state.json"))
hosts = sorted((i, v["ip"]) for i, v in state["instances"].items() if v["phase"] == "up")
with open(sys.argv[2] + "/hosts", "a") as f:
    f.write("[fleet]\n" + "".join(f"{i} ansible_host={ip}\n" for i, ip in hosts))
ssm = {"ansible_connection": "aws_ssm", "ansible_aws_ssm_instance_id": "{{ inventory_hostname }}",
       "ansible_aws_ssm_region": "{{ aws_region }}", "ansible_aws_ssm_endpoint_url": "{{ aws_endpoint_url }}",
       "ansible_aws_ssm_access_key_id": "{{ aws_access_key_id }}",
       "ansible_aws_ssm_secret_access_key": "{{ aws_secret_access_key }}",
       "ansible_aws_ssm_bucket_name": "{{ build_bucket }}"}
json.dump({"fleet": {"vars": ssm}}, open(sys.argv[2] + "-ssm.yml", "w"))
PY
endpoint=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["endpoint_url"])' "$SANDBOX_DIR/env.json")
hosts=$(grep -c '^i-' "$inv/hosts")
[ "$hosts" = "$COUNT" ] || { echo "w1-ssm: $hosts of $COUNT instances up" >&2; exit 1; }
declare -A times
for run in $(seq 1 "$RUNS"); do
  for mode in ssm ssh; do
    rm -rf "$SANDBOX_DIR"/instances/*/home/w1
    extra=(); [ "$mode" = ssm ] && extra=(-i "$inv-ssm.yml")
    curl -sf -X POST "$endpoint/_sandbox/stats" >/dev/null
    start=$(date +%s.%N)
    "$PLAY" bench/w1/w1.yml -i "$inv" "${extra[@]}" "${pw[@]}" -f "$COUNT" -e fleet_dir="$SANDBOX_DIR/instances" \
      >"$work/$mode.log" 2>&1 || { cat "$work/$mode.log" >&2; exit 1; }
    end=$(date +%s.%N)
    [ "$(grep -cE 'ok=10 +changed=9 ' "$work/$mode.log")" = "$COUNT" ] || { cat "$work/$mode.log" >&2; exit 1; }
    t=$(echo "$end - $start" | bc)
    times[$mode]+="$t "
    calls=""
    [ "$mode" = ssm ] && calls=$(curl -sf "$endpoint/_sandbox/stats" | python3 -c \
      'import json,sys; s=json.load(sys.stdin)["by_action"]; print("SendCommand", s.get("ssm:SendCommand",0), "GetCommandInvocation", s.get("ssm:GetCommandInvocation",0))')
    printf 'run %d %-3s %6.2f s  %s\n' "$run" "$mode" "$t" "$calls"
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m_ssm=$(echo "${times[ssm]}" | median); m_ssh=$(echo "${times[ssh]}" | median)
echo "W1 on $COUNT sandbox instances: aws_ssm median ${m_ssm} s, ssh median ${m_ssh} s ($(echo "scale=2; $m_ssm / $m_ssh" | bc)x)"
