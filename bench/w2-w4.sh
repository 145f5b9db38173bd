#!/usr/bin/env bash
# W2: `--list-tasks` on a generated 2000-task playbook.
# W4: 100 debug/set_fact tasks on localhost.
# Both side by side with ansible-playbook in one run; prints the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.pyenv/shims:$PATH"
# PLAY may name an already built release binary; otherwise build one.
if [ -z "${PLAY:-}" ]; then
  PLAY="$(bash bench/build-release.sh)/play"
fi
out=bench/out
mkdir -p "$out"

python3 - "$out" <<'PY'
import sys, os
out = sys.argv[1]
with open(os.path.join(out, "w2.yml"), "w") as f:
    f.write("- name: W2 generated\n  hosts: localhost\n  gather_facts: false\n  tasks:\n")
    for i in range(2000):
        f.write(f"    - name: task {i}\n      debug:\n        msg: \"item {i}\"\n      tags: [t{i % 10}]\n")
with open(os.path.join(out, "w4.yml"), "w") as f:
    f.write("- name: W4 local\n  hosts: localhost\n  gather_facts: false\n  vars:\n    base: 1\n  tasks:\n")
    for i in range(50):
        f.write(f"    - set_fact:\n        v{i}: \"{{{{ base + {i} }}}}\"\n")
        f.write(f"    - debug:\n        msg: \"v{i} is {{{{ v{i} }}}}\"\n")
PY

export ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False
hyperfine --warmup 2 --runs 10 --export-json "$out/w2.json" -N \
  "$PLAY $out/w2.yml --list-tasks -i localhost," \
  "ansible-playbook $out/w2.yml --list-tasks -i localhost," >/dev/null
hyperfine --warmup 2 --runs 10 --export-json "$out/w4.json" -N \
  "$PLAY $out/w4.yml -i localhost, -c local" \
  "ansible-playbook $out/w4.yml -i localhost, -c local" >/dev/null

python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
for name, target in (("w2", 50), ("w4", 60)):
    r = json.load(open(os.path.join(out, f"{name}.json")))["results"]
    play, ansible = r[0]["mean"] * 1000, r[1]["mean"] * 1000
    print(f"{name.upper()}: play {play:.1f} ms (target <= {target} ms), ansible-playbook {ansible:.0f} ms, ratio {ansible / play:.0f}x")
PY
