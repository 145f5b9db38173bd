#!/usr/bin/env bash
# A fleet of real OpenSSH servers on loopback addresses, one sshd per host, for tests, the W1
# benchmark and the sandbox. Every address in 127.0.0.0/8 reaches this machine, so host K simply
# listens on 127.0.2.K:2222; nothing leaves the machine.
#
#   sshd-fleet.sh start DIR N        generate keys and configs in DIR, start hosts 1..N, wait until
#                                    every port accepts connections
#   sshd-fleet.sh stop DIR           stop every host (its sshd and the sessions it serves)
#   sshd-fleet.sh status DIR         one line per host; exit 0 only if all are running
#   sshd-fleet.sh stop-host DIR K    take host K down: its port refuses, its sessions are killed
#   sshd-fleet.sh start-host DIR K   bring host K back (same address, same keys)
#   sshd-fleet.sh pids DIR           the pids of the running listeners, one a line
#
# Environment for `start`: FLEET_NET (default 127.0.2), FLEET_PORT (default 2222). `start` exits
# with status 75 when an address is already taken (e.g. another fleet), so callers can retry
# with another FLEET_NET.
#
# What `start` leaves in DIR for its users:
#   inventory          INI inventory: hK ansible_host=NET.K ansible_port=PORT ansible_user=USER
#                      ansible_ssh_private_key_file=DIR/id_ed25519, and the known_hosts file through
#                      ansible_ssh_common_args (host-key checking stays on)
#   ssh_config         `ssh -F DIR/ssh_config hK` works by hand and for the raw-floor benchmark
#   known_hosts        [NET.K]:PORT entries for the fleet's host key
#   id_ed25519         the client key (no passphrase); ssh_host_ed25519_key: the host key
#   fleet.env          NET, PORT, COUNT, USER of this fleet
#   hK/                sshd_config, pid, sshd.log and home/ (the host's own clean home directory)
#
# Sessions get HOME=DIR/hK/home and start in it, like a fresh cloud image: root's real ~/.bashrc
# (pyenv init, ~0.25 s) is never read, so remote commands cost what they would cost in production.
set -euo pipefail

usage() {
  sed -n '6,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

die() { echo "sshd-fleet: $*" >&2; exit 1; }

absolute_dir() { mkdir -p "$1" && (cd "$1" && pwd -P); }

load_env() {
  [ -f "$DIR/fleet.env" ] || die "$DIR holds no fleet (no fleet.env); run: $0 start $DIR N"
  # shellcheck disable=SC1091
  . "$DIR/fleet.env"
}

# The pid recorded for host K, if that process is still our sshd for host K.
live_pid() {
  local k=$1 pid
  [ -f "$DIR/h$k/pid" ] || return 1
  pid=$(cat "$DIR/h$k/pid")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  # Guard against pid reuse: the process must be sshd running this host's config.
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$DIR/h$k/sshd_config" || return 1
  echo "$pid"
}

descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

accepts() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

write_host_config() {
  local k=$1 h="$DIR/h$1"
  mkdir -p "$h/home"
  cat >"$h/sshd_config" <<EOF
ListenAddress $NET.$k:$PORT
HostKey $DIR/ssh_host_ed25519_key
PidFile $h/sshd.pid
AuthorizedKeysFile $DIR/authorized_keys
# Keys live under /tmp, which is world-writable.
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
# Many parallel connections and multiplexed sessions (the defaults throttle them).
MaxStartups 200
MaxSessions 200
LogLevel INFO
# A clean home per host: the login shell finds no rc files there, and commands start in it.
SetEnv HOME=$h/home
ForceCommand cd "\$HOME" || exit 1; if [ -n "\$SSH_ORIGINAL_COMMAND" ]; then eval "\$SSH_ORIGINAL_COMMAND"; else exec "\$SHELL" -l; fi
EOF
}

start_host() {
  local k=$1 h="$DIR/h$1" pid i
  if pid=$(live_pid "$k"); then die "host h$k is already running (pid $pid)"; fi
  if accepts "$NET.$k" "$PORT"; then
    echo "sshd-fleet: $NET.$k:$PORT is already taken by another process; stop it or pick FLEET_NET/FLEET_PORT" >&2
    return 75
  fi
  # Own stdio: an sshd holding the caller's pipes would keep the caller's reads from ever ending.
  "$SSHD" -D -f "$h/sshd_config" -E "$h/sshd.log" </dev/null >/dev/null 2>&1 &
  echo $! >"$h/pid"
}

wait_host() {
  local k=$1 i
  for i in $(seq 1 100); do
    if accepts "$NET.$k" "$PORT"; then return 0; fi
    if ! live_pid "$k" >/dev/null; then
      echo "sshd-fleet: sshd for h$k ($NET.$k:$PORT) exited; its log:" >&2
      cat "$DIR/h$k/sshd.log" >&2 || true
      return 1
    fi
    sleep 0.05
  done
  echo "sshd-fleet: h$k ($NET.$k:$PORT) did not accept connections within 5 s" >&2
  return 1
}

stop_host() {
  local k=$1 pid tree p
  pid=$(live_pid "$k") || { rm -f "$DIR/h$k/pid"; return 0; }
  # Collect the session processes first: once the listener is gone they are re-parented.
  tree=$(descendants "$pid")
  kill -TERM "$pid" 2>/dev/null || true
  # shellcheck disable=SC2086
  [ -z "$tree" ] || kill -KILL $tree 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$DIR/h$k/pid"
}

cmd_start() {
  local n=$1 k
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 254 ] || die "N must be 1..254, got '$n'"
  NET=${FLEET_NET:-127.0.2}
  PORT=${FLEET_PORT:-2222}
  case "$NET" in 127.*) ;; *) die "FLEET_NET must be inside 127.0.0.0/8, got '$NET'";; esac
  SSHD=$(command -v sshd || true)
  [ -n "$SSHD" ] || SSHD=/usr/sbin/sshd
  [ -x "$SSHD" ] || die "sshd is not installed (apt-get install openssh-server, or run scripts/setup.sh)"
  if [ -f "$DIR/fleet.env" ]; then
    load_env
    for k in $(seq 1 "$COUNT"); do
      if live_pid "$k" >/dev/null; then die "a fleet is already running in $DIR; run: $0 stop $DIR"; fi
    done
  fi
  NET=${FLEET_NET:-127.0.2}
  PORT=${FLEET_PORT:-2222}
  # sshd refuses to start without its privilege-separation directory.
  [ -d /run/sshd ] || { mkdir -p /run/sshd && chmod 0755 /run/sshd; } 2>/dev/null || true

  local user
  user=$(id -un)
  rm -f "$DIR/ssh_host_ed25519_key" "$DIR/ssh_host_ed25519_key.pub" "$DIR/id_ed25519" "$DIR/id_ed25519.pub"
  ssh-keygen -q -t ed25519 -N '' -C "play-fleet-host" -f "$DIR/ssh_host_ed25519_key"
  ssh-keygen -q -t ed25519 -N '' -C "play-fleet-client" -f "$DIR/id_ed25519"
  cp "$DIR/id_ed25519.pub" "$DIR/authorized_keys"

  local hostkey
  hostkey=$(cut -d' ' -f1,2 "$DIR/ssh_host_ed25519_key.pub")
  : >"$DIR/known_hosts"
  : >"$DIR/ssh_config"
  {
    echo "# play test fleet: $n hosts on $NET.1..$NET.$n port $PORT (scripts/sshd-fleet.sh)"
    echo "[fleet]"
  } >"$DIR/inventory"
  for k in $(seq 1 "$n"); do
    echo "[$NET.$k]:$PORT $hostkey" >>"$DIR/known_hosts"
    cat >>"$DIR/ssh_config" <<EOF
Host h$k
  HostName $NET.$k
  Port $PORT
  User $user
  IdentityFile $DIR/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $DIR/known_hosts
  StrictHostKeyChecking yes
  BatchMode yes
EOF
    echo "h$k ansible_host=$NET.$k ansible_port=$PORT ansible_user=$user ansible_ssh_private_key_file=$DIR/id_ed25519" >>"$DIR/inventory"
    write_host_config "$k"
  done
  {
    echo
    echo "[fleet:vars]"
    echo "ansible_ssh_common_args='-o UserKnownHostsFile=$DIR/known_hosts'"
  } >>"$DIR/inventory"
  printf 'NET=%s\nPORT=%s\nCOUNT=%s\nUSER_NAME=%s\nSSHD=%s\n' "$NET" "$PORT" "$n" "$user" "$SSHD" >"$DIR/fleet.env"

  local rc=0
  for k in $(seq 1 "$n"); do
    start_host "$k" || { rc=$?; cmd_stop; exit "$rc"; }
  done
  for k in $(seq 1 "$n"); do
    wait_host "$k" || { cmd_stop; exit 1; }
  done
  echo "fleet of $n hosts up: $NET.1..$NET.$n port $PORT, inventory $DIR/inventory"
}

cmd_stop() {
  load_env
  local k
  for k in $(seq 1 "$COUNT"); do stop_host "$k"; done
}

cmd_status() {
  load_env
  local k pid all=0
  for k in $(seq 1 "$COUNT"); do
    if pid=$(live_pid "$k"); then
      echo "h$k $NET.$k:$PORT running pid $pid"
    else
      echo "h$k $NET.$k:$PORT stopped"
      all=3
    fi
  done
  return $all
}

host_arg() {
  [[ "${1:-}" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le "$COUNT" ] || die "K must be 1..$COUNT, got '${1:-}'"
}

[ $# -ge 2 ] || usage
command=$1
DIR=$(absolute_dir "$2")
case "$command" in
  start) [ $# -eq 3 ] || usage; cmd_start "$3" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  stop-host) load_env; host_arg "${3:-}"; stop_host "$3" ;;
  start-host) load_env; host_arg "${3:-}"; start_host "$3"; wait_host "$3" ;;
  pids) load_env; for k in $(seq 1 "$COUNT"); do live_pid "$k" || true; done ;;
  *) usage ;;
esac
