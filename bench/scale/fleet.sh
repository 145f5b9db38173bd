#!/usr/bin/env bash
# A large fleet of loopback sshd hosts for bench/scale.py: N hosts (up to 2,500), served by a few
# sshd processes, each listening on 16 addresses (OpenSSH's MAX_LISTEN_SOCKS). Same layout and
# files as scripts/sshd-fleet.sh (inventory, ssh_config, known_hosts, id_ed25519, fleet.env,
# hK/home), so bench/w1/w1.yml and bench/w1/floor.sh run on it unchanged.
#
#   fleet.sh start DIR N     host K listens on 127.0.(BASE + (K-1)/250).((K-1)%250 + 1):PORT
#   fleet.sh stop DIR        stops every sshd of the fleet and the sessions they serve
#
# Environment for `start`: FLEET_BASE (third octet of the first network, default 40), FLEET_PORT
# (default 2222). Exits 75 when an address is taken, so a caller can retry with another base.
#
# An sshd serves several hosts, so a session learns its host from the address it was reached on
# ($SSH_CONNECTION's third word): DIR/addr/ADDRESS links to that host's home, which becomes HOME.
# The login shell starts with HOME=DIR/addr, which has no rc files (root's ~/.bashrc would add
# pyenv's start-up to every command).
set -euo pipefail

die() { echo "scale fleet: $*" >&2; exit 1; }
accepts() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
address() { echo "127.0.$((BASE + ($1 - 1) / 250)).$((($1 - 1) % 250 + 1))"; }
PER_SSHD=16

descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

cmd_stop() {
  local f pid tree
  for f in "$DIR"/sshd-*/pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$(dirname "$f")/sshd_config"; then
      tree=$(descendants "$pid")
      kill -TERM "$pid" 2>/dev/null || true
      # shellcheck disable=SC2086
      [ -z "$tree" ] || kill -KILL $tree 2>/dev/null || true
    fi
    rm -f "$f"
  done
}

cmd_start() {
  local n=$1 k s user hostkey sshd
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 2500 ] || die "N must be 1..2500, got '$n'"
  BASE=${FLEET_BASE:-40}
  PORT=${FLEET_PORT:-2222}
  [ $((BASE + (n - 1) / 250)) -le 254 ] || die "FLEET_BASE $BASE leaves no room for $n hosts"
  sshd=$(command -v sshd || echo /usr/sbin/sshd)
  [ -x "$sshd" ] || die "sshd is not installed (scripts/setup.sh)"
  [ -d /run/sshd ] || { mkdir -p /run/sshd && chmod 0755 /run/sshd; }
  for k in 1 "$n"; do
    if accepts "$(address "$k")" "$PORT"; then
      echo "scale fleet: $(address "$k"):$PORT is already taken" >&2
      return 75
    fi
  done
  user=$(id -un)
  rm -rf "$DIR/addr"
  mkdir -p "$DIR/addr"
  rm -f "$DIR"/ssh_host_ed25519_key* "$DIR"/id_ed25519*
  ssh-keygen -q -t ed25519 -N '' -C play-scale-host -f "$DIR/ssh_host_ed25519_key"
  ssh-keygen -q -t ed25519 -N '' -C play-scale-client -f "$DIR/id_ed25519"
  cp "$DIR/id_ed25519.pub" "$DIR/authorized_keys"
  hostkey=$(cut -d' ' -f1,2 "$DIR/ssh_host_ed25519_key.pub")
  {
    for k in $(seq 1 "$n"); do echo "[$(address "$k")]:$PORT $hostkey"; done
  } >"$DIR/known_hosts"
  {
    for k in $(seq 1 "$n"); do
      printf 'Host h%s\n  HostName %s\n  Port %s\n' "$k" "$(address "$k")" "$PORT"
    done
    printf 'Host *\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n' \
      "$user" "$DIR/id_ed25519" "$DIR/known_hosts"
    printf '  StrictHostKeyChecking yes\n  BatchMode yes\n'
  } >"$DIR/ssh_config"
  {
    echo "# play scale fleet: $n hosts, port $PORT (bench/scale/fleet.sh)"
    echo "[fleet]"
    for k in $(seq 1 "$n"); do
      echo "h$k ansible_host=$(address "$k") ansible_port=$PORT ansible_user=$user ansible_ssh_private_key_file=$DIR/id_ed25519"
    done
    echo
    echo "[fleet:vars]"
    echo "ansible_ssh_common_args='-o UserKnownHostsFile=$DIR/known_hosts'"
  } >"$DIR/inventory"
  for k in $(seq 1 "$n"); do
    mkdir -p "$DIR/h$k/home"
    ln -sfn "$DIR/h$k/home" "$DIR/addr/$(address "$k")"
  done
  printf 'NET=127.0.%s\nPORT=%s\nCOUNT=%s\nUSER_NAME=%s\nSSHD=%s\n' "$BASE" "$PORT" "$n" "$user" "$sshd" >"$DIR/fleet.env"

  for s in $(seq 0 $(((n - 1) / PER_SSHD))); do
    local d="$DIR/sshd-$s"
    mkdir -p "$d"
    {
      for k in $(seq $((s * PER_SSHD + 1)) $((s * PER_SSHD + PER_SSHD))); do
        [ "$k" -le "$n" ] && echo "ListenAddress $(address "$k"):$PORT"
      done
      cat <<EOF
HostKey $DIR/ssh_host_ed25519_key
PidFile none
AuthorizedKeysFile $DIR/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
MaxStartups 1000
MaxSessions 200
LogLevel ERROR
# bash started by sshd reads ~/.bashrc: a HOME without one, like a fresh cloud image's.
SetEnv HOME=$DIR/addr
ForceCommand set -- \$SSH_CONNECTION; HOME=$DIR/addr/\$3; export HOME; cd "\$HOME" || exit 1; if [ -n "\$SSH_ORIGINAL_COMMAND" ]; then eval "\$SSH_ORIGINAL_COMMAND"; else exec "\$SHELL" -l; fi
EOF
    } >"$d/sshd_config"
    "$sshd" -D -f "$d/sshd_config" -E "$d/sshd.log" </dev/null >/dev/null 2>&1 &
    echo $! >"$d/pid"
  done
  for k in $(seq 1 "$n"); do
    local i=0
    until accepts "$(address "$k")" "$PORT"; do
      i=$((i + 1))
      [ $i -lt 200 ] || { cat "$DIR"/sshd-*/sshd.log >&2; cmd_stop; die "$(address "$k"):$PORT never accepted"; }
      sleep 0.05
    done
  done
  echo "scale fleet of $n hosts up, inventory $DIR/inventory"
}

[ $# -ge 2 ] || { sed -n '7,8p' "$0" >&2; exit 2; }
mkdir -p "$2"
DIR=$(cd "$2" && pwd -P)
case "$1" in
  start) [ $# -eq 3 ] || exit 2; cmd_start "$3" ;;
  stop) cmd_stop ;;
  *) exit 2 ;;
esac
