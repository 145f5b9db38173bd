#!/usr/bin/env bash
# Installs everything play's build, tests, benchmarks and sandbox need on a fresh Debian machine.
# Idempotent: a second run installs nothing new. libcurl's header builds the CCurl shim (libcurl
# itself is opened at run time, on the first HTTP request); valgrind records the profile that the
# release build's code layout follows (bench/build-release.sh).
set -euo pipefail

apt_packages=(libssl-dev libcurl4-openssl-dev libxml2-dev valgrind openssh-server openssh-client sudo nginx-light curl procps iproute2 hyperfine netcat-openbsd busybox cron)
# Package module tests: rpm, dnf and createrepo_c build and serve RPMs into a scratch installroot; dpkg-dev indexes .debs.
apt_packages+=(rpm dnf createrepo-c dpkg-dev)
# Software module tests: wget, git, zip, xz, bzip2 and gpg; python3-apt lets ansible's apt_repository run for comparisons.
apt_packages+=(wget git zip unzip xz-utils bzip2 gnupg python3-apt)
# scripts/install.sh and package.sh: strip (binutils), dpkg-shlibdeps (dpkg-dev); their test renders the man pages
# and completes words with the installed bash, zsh and fish completions.
apt_packages+=(binutils man-db groff-base zsh fish)
# --report's page is rendered headless in a test (screenshot not blank, no console errors).
apt_packages+=(chromium)
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
# ansible.posix (authorized_key, mount) for the comparisons with ansible-playbook: Galaxy is out of
# reach, so the collection comes out of Debian's `ansible` package, unpacked (not installed, so
# Debian's ansible-core stays out of PATH) under /opt/play-collections.
posix=/opt/play-collections/ansible_collections/ansible/posix
if [ ! -f "$posix/plugins/modules/mount.py" ]; then
  scratch=$(mktemp -d)
  (cd "$scratch" && apt-get download -qq ansible >/dev/null 2>&1 || { apt-get update -qq && apt-get download -qq ansible >/dev/null; })
  dpkg-deb --fsys-tarfile "$scratch"/ansible_*.deb | tar -x -C "$scratch" --wildcards './usr/lib/python3/dist-packages/ansible_collections/ansible/posix/*'
  mkdir -p "$(dirname "$posix")"
  cp -a "$scratch/usr/lib/python3/dist-packages/ansible_collections/ansible/posix" "$posix"
  rm -rf "$scratch"
fi
# pyenv keeps console scripts behind shims; refresh them so ansible-playbook is on PATH.
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
# The full `ansible` package (amazon.aws, community.aws) and boto3 in their own venv, for the tests
# that compare play's AWS modules and aws_ec2 inventory with the collections.
bash "$(dirname "$0")/aws-venv.sh"
