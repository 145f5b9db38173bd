#!/bin/sh
# Builds the libFuzzer executables (Fuzz/Package.swift, release, --sanitize=fuzzer) and runs each
# target for SECONDS (default 10) over Fuzz/Corpus/<target>, new inputs going to
# .build/fuzz/corpus/<target> (never into the repository). Prints executions per target; a crash
# leaves libFuzzer's crash-* file in .build/fuzz/artifacts/ and makes the script exit 1.
#   bench/fuzz.sh [SECONDS] [TARGET...]      e.g. bench/fuzz.sh 60   or   bench/fuzz.sh 30 yaml xml
set -eu
seconds=${1:-10}
[ $# -gt 0 ] && shift
root=$(cd "$(dirname "$0")/.." && pwd)
targets=${*:-yaml expression ini vault xml}
out="$root/.build/fuzz"
mkdir -p "$out/artifacts"

echo "building the fuzzers (release, -sanitize=fuzzer)..."
for t in $targets; do
    if ! swift build --package-path "$root/Fuzz" --scratch-path "$out/build" -c release --sanitize=fuzzer \
        --product "fuzz-$t" >"$out/build-$t.log" 2>&1; then
        tail -30 "$out/build-$t.log"
        exit 2
    fi
done
bin=$(swift build --package-path "$root/Fuzz" --scratch-path "$out/build" -c release --sanitize=fuzzer --show-bin-path)

status=0
for t in $targets; do
    corpus="$out/corpus/$t"
    mkdir -p "$corpus"
    log="$out/$t.log"
    # -rss_limit_mb: a runaway allocation is a finding; -timeout: so is a hang.
    if "$bin/fuzz-$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
        -artifact_prefix="$out/artifacts/$t-" "$corpus" "$root/Fuzz/Corpus/$t" >"$log" 2>&1; then
        result=ok
    else
        result="FAILED (see $log and $out/artifacts/)"
        status=1
    fi
    runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | grep -Eo '[0-9]+' || echo "?")
    cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+' || echo "?")
    printf '%-10s %8s executions in %ss, coverage %s edges: %s\n' "$t" "$runs" "$seconds" "$cov" "$result"
done
exit $status
