#!/usr/bin/env python3
"""The functions of BINARY that ran in the given callgrind profiles (`--demangle=no`), one
linker symbol a line, for lld's --symbol-ordering-file: the code a run needs, placed together.
Functions that more of the profiles ran come first, so the code every run needs (start-up,
parsing, the executor) is densest and each workload's own code follows it.

    functions-run.py BINARY PROFILE...
"""
import re
import subprocess
import sys

binary, profiles = sys.argv[1], sys.argv[2:]
name = binary.rsplit("/", 1)[-1]
ran = []
seen = set()
profiles_running = {}
for path in profiles:
    in_this = set()
    objects, functions = {}, {}
    current_object = None
    with open(path, errors="replace") as f:
        for line in f:
            # Callgrind compresses names: "fn=(12) name" defines id 12, "fn=(12)" reuses it.
            m = re.match(r"^(ob|cob|fn|cfn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
            if not m:
                continue
            key, ident, text = m.groups()
            table = objects if key in ("ob", "cob") else functions
            if text:
                table[ident] = text
            if key == "ob":
                current_object = objects.get(ident)
            elif key == "fn" and current_object and current_object.rsplit("/", 1)[-1] == name:
                symbol = functions.get(ident)
                if symbol and symbol not in seen:
                    seen.add(symbol)
                    ran.append(symbol)
                if symbol and symbol not in in_this:
                    in_this.add(symbol)
                    profiles_running[symbol] = profiles_running.get(symbol, 0) + 1

# Only names the binary defines (callgrind shows bare addresses for code without a symbol).
defined = set()
for line in subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3:
        defined.add(parts[2])
first_seen = {s: i for i, s in enumerate(ran)}
ordered = sorted((s for s in ran if s in defined), key=lambda s: (-profiles_running[s], first_seen[s]))
print(f"{len(ordered)} functions ran", file=sys.stderr)
print("\n".join(ordered))
