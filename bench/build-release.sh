#!/usr/bin/env bash
# Builds the release binaries every benchmark measures: `play` and `vault` with the Swift runtime
# and Foundation linked in (--static-swift-stdlib), as they ship. Prints the bin directory.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --scratch-path .build-release --product play >&2
swift build -c release --static-swift-stdlib --scratch-path .build-release --product vault >&2
swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path
