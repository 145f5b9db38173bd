#!/usr/bin/env bash
# Builds the release binaries every benchmark measures: `play` and `vault` with the Swift runtime
# and Foundation linked in (--static-swift-stdlib), as they ship. Prints the bin directory.
#
# Position-dependent (-no-pie): a PIE this size spends start-up applying ~87,000 relocations and
# keeps ~4 MiB more resident (W1 peak RSS 31.6 vs 27.4 MiB, `play --help` 6.8 vs 5.0 ms); shared
# libraries, heap, stacks and mmaps stay randomised.
#
# Code layout: linked once, profiled on typical work (bench/layout/profile.sh, under valgrind),
# then linked again by lld with the functions that ran placed together, so a run's code sits in a
# few MiB instead of pages spread over 22 MB (W1 peak RSS 26 -> 19.5 MiB). Without valgrind the
# first link is kept and a note says so.
#
# -DPLAY_SHIPPED_BUILD makes `play --version` say "shipped" (the git commit is recorded by the
# BuildInfo plugin in any build).
#
# Function sections (-function-sections for Swift, -ffunction-sections for C): without them each
# module is one .text section and the order file can move only whole modules, so play's own code
# stayed spread over 12 MB (W1 peak RSS 22.6 -> 21.7 MiB measured side by side under load). The
# toolchain's static libraries (Swift runtime, Foundation) are prebuilt in large sections and
# still land whole.
#
# No symbols exported (--no-export-dynamic): nothing loads plugins into play, and the dynamic
# loader then searches 6 small libraries instead of play's 8,500 Swift symbols (-1 MiB resident).
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-c release --static-swift-stdlib --scratch-path .build-release -Xlinker -no-pie -Xswiftc -use-ld=lld -Xswiftc -DPLAY_SHIPPED_BUILD
  -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections
  -Xlinker --no-export-dynamic)
layout=.build-release/layout
bin=$(swift build "${flags[@]}" --show-bin-path)

link() {  # PRODUCT [ORDER_FILE]
  # SwiftPM does not see a changed order file: remove the binary so it links again.
  rm -f "$bin/$1"
  if [ -n "${2:-}" ]; then
    swift build "${flags[@]}" --product "$1" -Xlinker "--symbol-ordering-file=$PWD/$2" \
      -Xlinker --no-warn-symbol-ordering >&2
  else
    swift build "${flags[@]}" --product "$1" >&2
  fi
}

link play
link vault
if command -v valgrind >/dev/null; then
  bash bench/layout/profile.sh "$bin" "$layout" >&2
  link play "$layout/play.order"
  link vault "$layout/vault.order"
else
  echo "build-release: valgrind is not installed, so the code layout is not optimised" >&2
fi
echo "$bin"
