#!/usr/bin/env bash
# The README's test command: installs prerequisites, builds, and runs the whole test suite:
# the sandbox's own self-test (pytest), then every Swift test target (unit tests, end-to-end
# tests against real sshd, moto_server, nginx, ansible-playbook and ansible-vault).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.pyenv/shims:$PATH"
python3 -m pytest -q -p no:cacheprovider sandbox/selftest.py
swift build --build-tests
swift test --skip-build
