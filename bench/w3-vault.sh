#!/usr/bin/env bash
# W3: `vault view` of a 1 KiB and a 1 MiB file, and `vault encrypt`, side by side with
# ansible-vault in one run; prints the ratios. Target: <= 15 ms for the 1 KiB view.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.pyenv/shims:$PATH"
VAULT="${VAULT:-$(bash bench/build-release.sh)/vault}"
# The real script, not the pyenv shim (which would add a bash start-up to ansible's time).
ANSIBLE_VAULT="$(pyenv which ansible-vault 2>/dev/null || command -v ansible-vault)"
out=bench/out/w3
rm -rf "$out"
mkdir -p "$out"
printf 'w3-bench-password\n' > "$out/pw"

# Deterministic YAML-like plaintexts: 1 KiB and 1 MiB.
python3 - "$out" <<'PY'
import os, sys
out = sys.argv[1]
def text(size):
    lines, i = [], 0
    while sum(len(l) for l in lines) < size:
        lines.append(f"key_{i:06d}: value-{(i * 7919) % 100000:05d}-abcdefghijklmnopqrstuvwxyz\n")
        i += 1
    return "".join(lines).encode()[:size]
for name, size in (("1k", 1024), ("1m", 1024 * 1024)):
    with open(os.path.join(out, f"{name}.txt"), "wb") as f:
        f.write(text(size))
PY
for size in 1k 1m; do
  "$VAULT" encrypt "$out/$size.txt" --output "$out/$size.vault" --vault-password-file "$out/pw"
  # Both tools must read the file the same before their times mean anything.
  cmp <("$VAULT" view "$out/$size.vault" --vault-password-file "$out/pw") \
      <("$ANSIBLE_VAULT" view "$out/$size.vault" --vault-password-file "$out/pw")
done

run() {  # name, runs, our command, ansible-vault's command
  hyperfine -N --warmup 3 --runs "$2" --export-json "$out/$1.json" "$3" "$4" >/dev/null
}
run view-1k 30 "$VAULT view $out/1k.vault --vault-password-file $out/pw" \
               "$ANSIBLE_VAULT view $out/1k.vault --vault-password-file $out/pw"
run view-1m 15 "$VAULT view $out/1m.vault --vault-password-file $out/pw" \
               "$ANSIBLE_VAULT view $out/1m.vault --vault-password-file $out/pw"
run encrypt-1k 30 "$VAULT encrypt $out/1k.txt --output - --vault-password-file $out/pw" \
                  "$ANSIBLE_VAULT encrypt $out/1k.txt --output - --vault-password-file $out/pw"

python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
print("W3 (mean wall time; CPU = user + system)")
for name, label in (("view-1k", "view 1 KiB"), ("view-1m", "view 1 MiB"), ("encrypt-1k", "encrypt 1 KiB")):
    ours, theirs = json.load(open(os.path.join(out, f"{name}.json")))["results"]
    ms = lambda r: r["mean"] * 1000
    cpu = lambda r: (r["user"] + r["system"]) * 1000
    line = (f"  {label:14} vault {ms(ours):7.1f} ms ± {ours['stddev'] * 1000:4.1f} (CPU {cpu(ours):5.1f})"
            f"   ansible-vault {ms(theirs):7.1f} ms (CPU {cpu(theirs):6.1f})   ratio {ms(theirs) / ms(ours):5.1f}x")
    if name == "view-1k":
        line += f"   target <= 15 ms: {'met' if ms(ours) <= 15 else 'MISSED'}"
    print(line)
PY
