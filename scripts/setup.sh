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
# passlib: ansible's password_hash needs it, and CryptHashTests compare with it.
python3 -c 'import passlib' 2>/dev/null || python3 -m pip install -q passlib
# pyenv keeps console scripts behind shims; refresh them so ansible-playbook is on PATH.
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
