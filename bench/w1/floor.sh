#!/usr/bin/env bash
# The raw floor of W1: the same ten commands as w1.yml, run with plain `ssh` on every host of a
# fleet (scripts/sshd-fleet.sh) in parallel, in lockstep (a task starts once every host finished
# the previous one, like a linear strategy), from cold: the first command of each host opens
# its ControlMaster, the rest reuse it, and the masters are closed at the end.
#
#   floor.sh FLEET_DIR            FORKS=N: at most N ssh commands at once (default: every host)
set -euo pipefail
fleet=$1
forks=${FORKS:-0}
# shellcheck disable=SC1091
. "$fleet/fleet.env"
payload="$(cd "$(dirname "$0")" && pwd)/files/payload.txt"
sockets=$(mktemp -d /tmp/w1-floor-XXXXXX)

on() {  # on K COMMAND [STDIN_FILE]
  ssh -F "$fleet/ssh_config" -o ControlPath="$sockets/h$1" -o ControlMaster=auto -o ControlPersist=60 \
    "h$1" "$2" <"${3:-/dev/null}" >/dev/null
}

task() {  # task N K: task N of w1.yml on host K
  case $1 in
    1) on "$2" 'mkdir -p w1' ;;
    2) on "$2" 'uname -a' ;;
    3) on "$2" 'id' ;;
    4) on "$2" 'ls -la' ;;
    5) on "$2" 'cat /etc/os-release' ;;
    6) on "$2" 'ps -e | wc -l' ;;
    7) on "$2" 'grep root /etc/passwd | wc -l' ;;
    8) on "$2" 'cat > w1/host.txt' <(printf 'host h%s\n' "$2") ;;
    9) on "$2" 'cat > w1/payload.txt' "$payload" ;;
    10) on "$2" 'stat w1/payload.txt' ;;
  esac
}

close() {
  for k in $(seq 1 "$COUNT"); do
    [ -S "$sockets/h$k" ] && ssh -o ControlPath="$sockets/h$k" -O exit "h$k" 2>/dev/null &
  done
  wait
  rm -rf "$sockets"
}
trap close EXIT

for n in $(seq 1 10); do
  running=0
  for k in $(seq 1 "$COUNT"); do
    if [ "$forks" -gt 0 ] && [ "$running" -ge "$forks" ]; then
      wait -n
      running=$((running - 1))
    fi
    task "$n" "$k" &
    running=$((running + 1))
  done
  # Every command's status: a failed one stops the floor (set -e).
  while [ "$running" -gt 0 ]; do
    wait -n
    running=$((running - 1))
  done
done
