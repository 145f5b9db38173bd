#!/usr/bin/env bash
# A separate Python virtual environment with the full `ansible` package (ansible-core 2.19 plus the
# amazon.aws and community.aws collections) and boto3, for the tests that compare play with the
# collections' modules and the amazon.aws.aws_ec2 inventory plugin against moto_server.
# Idempotent: a second run installs nothing new. PLAY_AWS_VENV moves it (default
# ~/.cache/play/aws-venv, the place and pins the awsmods branch's setup.sh uses).
set -euo pipefail

venv="${PLAY_AWS_VENV:-$HOME/.cache/play/aws-venv}"
pins=('ansible==12.3.0' 'boto3==1.43.11' 'botocore==1.43.11')

if [ -x "$venv/bin/ansible-inventory" ] && "$venv/bin/python" - "${pins[@]}" <<'PY'
import sys
from importlib.metadata import version, PackageNotFoundError
try:
    sys.exit(0 if all(version(n) == v for n, v in (p.split("==") for p in sys.argv[1:])) else 1)
except PackageNotFoundError:
    sys.exit(1)
PY
then
  exit 0
fi

# ansible-core 2.19 needs Python >= 3.11; pyenv's 3.11 is the machine's default python3.
python=python3
if command -v pyenv >/dev/null 2>&1 && pyenv prefix 3.11 >/dev/null 2>&1; then
  python="$(pyenv prefix 3.11)/bin/python3"
fi
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check "${pins[@]}"
