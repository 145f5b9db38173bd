#!/usr/bin/env bash
# Installs everything play's build, tests, benchmarks and sandbox need on a fresh Debian machine.
# Idempotent: a second run installs nothing new. libcurl's header builds the CCurl shim (libcurl
# itself is opened at run time, on the first HTTP request); valgrind records the profile that the
# release build's code layout follows (bench/build-release.sh).
set -euo pipefail

apt_packages=(libssl-dev libcurl4-openssl-dev libxml2-dev valgrind openssh-server openssh-client sudo nginx-light curl procps iproute2 hyperfine netcat-openbsd busybox)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# sshd refuses to start without its privilege-separation directory.
mkdir -p /run/sshd && chmod 0755 /run/sshd

python3 - <<'PY' || python3 -m pip install -q 'ansible-core==2.19.*' 'moto[server]==5.2.1'
import importlib.util, sys, shutil
ok = importlib.util.find_spec("moto") and importlib.util.find_spec("flask") and shutil.which("ansible-playbook")
sys.exit(0 if ok else 1)
PY
# pyenv keeps console scripts behind shims; refresh them so ansible-playbook is on PATH.
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true

# The amazon.aws / community.aws collections for the AWS compatibility tests: the `ansible`
# package (12.x carries ansible-core 2.19) in its own venv, so the system ansible-core stays as is.
aws_venv="${PLAY_AWS_VENV:-$HOME/.cache/play/aws-venv}"
if ! "$aws_venv/bin/python" -c 'import boto3, ansible_collections.amazon.aws' >/dev/null 2>&1; then
  python3 -m venv "$aws_venv"
  "$aws_venv/bin/pip" install -q 'ansible==12.3.0' 'boto3==1.43.11' 'botocore==1.43.11'
fi
