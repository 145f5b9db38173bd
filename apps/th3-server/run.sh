#!/bin/sh
# Starts th3-server from this build directory in the foreground (exec: the pid stays the app's,
# so a process manager, nohup/setsid or a pid file sees the server itself).
#   run.sh [--bind ADDRESS] [--port PORT] [--access-log]
# Defaults come from TH3_BIND (127.0.0.1) and TH3_PORT (8080). On a machine that shares one
# network namespace with others (the sandbox), always pass the instance's private IP as --bind.
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/th3_server.py" --build-dir "$here" "$@"
