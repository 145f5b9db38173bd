#!/usr/bin/env bash
# The README's test command: installs prerequisites, builds, and runs the whole test suite
# (unit tests, end-to-end tests against real sshd, moto_server, nginx and ansible).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.pyenv/shims:$PATH"
swift build --build-tests
swift test --skip-build 2>&1 | tee .build/test-output.txt
