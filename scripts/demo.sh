#!/usr/bin/env bash
# The main job, end to end, on one machine without an AWS account:
#   set up (apt, pip), build play and vault (release), bring the sandbox up (AWS endpoint, a fleet
#   of instances, an nginx load balancer), then with playbooks/translate-api.yml:
#     1. deploy build 1
#     2. deploy build 2 under load                  (no failed request; 2 serves after)
#     3. try build 3 under load: its health check fails, the deploy fails and cleans up
#                                                   (no failed request; 2 keeps serving)
#     4. roll back to build 1 by version under load (no failed request; 1 serves after)
#   then the rolling strategy on the same fleet (playbooks/rolling-ami.yml):
#     5. rolling AMI replacement to the AMI of build 2, one instance at a time, under load
#     6. rolling replacement with build 3's AMI: fails, the build-2 instances keep serving
#   then blue/green on the same fleet (playbooks/blue-green.yml, -e approve=true):
#     7. build 1 on the idle target group, then the listener swap, under load (build 1 is the other
#        good build of the sandbox; the build-2 instances stay registered on the old group)
#     8. --tags rollback under load: the listener back to the build-2 group (2 serves after)
#   print a summary, tear everything down (also when a step fails or on Ctrl-C).
# Exits non-zero when any step does not do what it should.
#
# Settings (environment): SANDBOX_DIR, SANDBOX_SUBNET, SANDBOX_LB_PORT (see sandbox/README.md),
# DEMO_RATE (requests/s of the load, default 300; 0 = as fast as possible), DEMO_INSTANCES (new
# instances per deploy, default 2), DEMO_SCRATCH (swift build's scratch path, default .build),
# DEMO_SKIP_SETUP=1 (skip scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

rate=${DEMO_RATE:-300}
instances=${DEMO_INSTANCES:-2}
scratch=${DEMO_SCRATCH:-.build}
export SANDBOX_DIR=${SANDBOX_DIR:-$root/sandbox/run}
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
logs=$(mktemp -d /tmp/play-demo.XXXXXX)

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
now() { date +%s.%N; }

# ------------------------------------------------------------------------------ setup and build
if [ "${DEMO_SKIP_SETUP:-0}" != 1 ]; then
  say "Setting up this machine (scripts/setup.sh)"
  bash scripts/setup.sh
fi
export PATH="$HOME/.pyenv/shims:$PATH"
say "Building play and vault (release)"
swift build -c release --scratch-path "$scratch" --product play
swift build -c release --scratch-path "$scratch" --product vault
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
play=$bin/play
export VAULT_CMD=$bin/vault

# ------------------------------------------------------------------------------ sandbox, cleanup
load_pid=
sandbox_started=0
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [ -n "$load_pid" ] && kill -0 "$load_pid" 2>/dev/null; then
    kill -INT "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
  fi
  if [ "$sandbox_started" = 1 ]; then
    say "Tearing down"
    "$play" playbooks/translate-api.yml -i "$inventory" --tags teardown -e confirm_teardown=yes \
      --vault-password-file "$SANDBOX_DIR/vault-password" >"$logs/teardown.log" 2>&1 \
      && echo "teardown playbook: every th3-server instance terminated" \
      || echo "teardown playbook failed (see $logs/teardown.log); stopping the sandbox anyway"
    sandbox/sandboxctl down || code=1
  fi
  echo "logs: $logs"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "Bringing the sandbox up ($SANDBOX_DIR)"
if sandbox/sandboxctl status >/dev/null 2>&1; then
  echo "a sandbox is already up in $SANDBOX_DIR: taking it down to start from a clean state"
  sandbox/sandboxctl down
fi
sandbox_started=1
sandbox/sandboxctl up
# inventory/sandbox reads the sandbox's files through links to sandbox/run/; for a sandbox
# elsewhere, the same inventory with links to that sandbox's files.
inventory=inventory/sandbox
if [ "$(cd "$SANDBOX_DIR" && pwd -P)" != "$(cd sandbox/run && pwd -P)" ]; then
  inventory=$logs/inventory
  mkdir -p "$inventory/group_vars/all"
  cp inventory/sandbox/hosts "$inventory/"
  cp inventory/sandbox/group_vars/all/deploy.yml "$inventory/group_vars/all/"
  ln -s "$SANDBOX_DIR/sandbox-vars.yml" "$inventory/group_vars/all/sandbox.yml"
  ln -s "$SANDBOX_DIR/vault/aws.yml" "$inventory/group_vars/all/vault.yml"
fi
lb_url=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["lb_url"])' "$SANDBOX_DIR/env.json")
vault_args=(--vault-password-file "$SANDBOX_DIR/vault-password")

# ------------------------------------------------------------------------------ steps
# step NAME EXPECTED_EXIT(0|fail) LOAD(yes|no) EXPECTED_VERSION_AFTER ALLOWED_VERSIONS -- PLAY ARGS...
# (the playbook is playbooks/translate-api.yml unless the step sets `playbook=...` before calling)
rows=()
failed_steps=0
step() {
  local name=$1 expect=$2 load=$3 want_after=$4 allowed=$5
  shift 6
  local slug=${name// /-}
  local report=$logs/$slug-load.json
  say "$name"
  if [ "$load" = yes ]; then
    python3 sandbox/loadgen.py --url "$lb_url" --rate "$rate" --status-file "$report" \
      >"$report.final" 2>"$logs/$slug-load.err" &
    load_pid=$!
    # Load flows before the play starts.
    for _ in $(seq 50); do [ -s "$report" ] && break; sleep 0.1; done
  fi
  local t0 t1 code
  t0=$(now)
  set +e
  "$play" "${playbook:-playbooks/translate-api.yml}" -i "$inventory" "${vault_args[@]}" "$@" 2>&1 | tee "$logs/$slug.log"
  code=${PIPESTATUS[0]}
  set -e
  t1=$(now)
  if [ "$load" = yes ]; then
    sleep 1
    kill -INT "$load_pid"
    wait "$load_pid" || true
    load_pid=
    cp "$report.final" "$report"
  else
    # No load during this step: ask the load balancer a few times afterwards.
    python3 sandbox/loadgen.py --url "$lb_url" -c 1 --duration 1 >"$report" 2>/dev/null || true
  fi
  local verdict
  verdict=$(python3 - "$report" "$code" "$expect" "$want_after" "$allowed" "$load" <<'PY'
import json, sys
path, code, expect, want_after, allowed, load = sys.argv[1:]
try:
    r = json.load(open(path))
except (OSError, ValueError):
    r = {"requests": 0, "failures": 0, "versions": {}, "last_version": None}
problems = []
if expect == "0" and code != "0":
    problems.append(f"play exited {code}")
if expect == "fail" and code == "0":
    problems.append("play succeeded but should have failed")
if r.get("failures", 0):
    problems.append(f"{r['failures']} failed requests {r.get('failure_reasons')}")
if not r.get("requests"):
    problems.append("no request answered")
if r.get("last_version") != want_after:
    problems.append(f"serves {r.get('last_version')} after, not {want_after}")
extra = sorted(set(r.get("versions", {})) - set(allowed.split(",")))
if extra:
    problems.append(f"served unexpected versions {extra}")
versions = ", ".join(f"v{v}: {n}" for v, n in sorted(r.get("versions", {}).items()))
requests = r.get("requests", 0) if load == "yes" else "-"
failures = r.get("failures", 0) if load == "yes" else "-"
result = "ok" if not problems else "FAILED: " + "; ".join(problems)
print("\t".join([result, str(requests), str(failures), versions or "-", f"v{r.get('last_version')}"]))
PY
)
  local result requests failures versions after
  IFS=$'\t' read -r result requests failures versions after <<<"$verdict"
  [ "$result" = ok ] || failed_steps=$((failed_steps + 1))
  local shown_exit=$code
  [ "$expect" = fail ] && shown_exit="$code (expected non-zero)"
  rows+=("$name|$result|$shown_exit|$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", b - a }')|$requests|$failures|$versions|$after")
  echo "-> $result"
}

step "deploy build 1" 0 no 1 1 -- --tags deploy -e version=1 -e app_instance_count="$instances"
step "deploy build 2 under load" 0 yes 2 1,2 -- --tags deploy -e version=2 -e app_instance_count="$instances"
step "deploy build 3 under load" fail yes 2 2 -- --tags deploy -e version=3 -e app_instance_count="$instances"
step "roll back to build 1 under load" 0 yes 1 1,2 -- --tags rollback -e version=1
playbook=playbooks/rolling-ami.yml step "rolling AMI to build 2 under load" 0 yes 2 1,2 -- -e version=2
playbook=playbooks/rolling-ami.yml step "rolling AMI to build 3 under load" fail yes 2 2 -- -e version=3
playbook=playbooks/blue-green.yml step "blue-green deploy build 1 under load" 0 yes 1 1,2 -- --tags deploy -e version=1 -e approve=true -e app_instance_count="$instances"
playbook=playbooks/blue-green.yml step "blue-green rollback to build 2 under load" 0 yes 2 1,2 -- --tags rollback -e approve=true

# ------------------------------------------------------------------------------ summary
say "Summary (load: $([ "$rate" = 0 ] && echo 'as fast as possible' || echo "$rate requests/s"), through the load balancer)"
{
  echo "step|result|play exit|duration|requests|failed|versions served|serves after"
  for row in "${rows[@]}"; do echo "$row"; done
} | python3 -c '
import sys
rows = [line.rstrip("\n").split("|") for line in sys.stdin]
widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
for n, r in enumerate(rows):
    print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    if n == 0:
        print("  ".join("-" * w for w in widths))
'
if [ "$failed_steps" -gt 0 ]; then
  echo
  echo "$failed_steps step(s) did not do what they should (logs: $logs)"
  exit 1
fi
echo
echo "every step did what it should: zero failed requests, the right version serving after each step"
