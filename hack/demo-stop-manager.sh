#!/usr/bin/env bash
# Stops the landfall manager an earlier `make demo` left running in DIR
# (its PID is in DIR/manager.pid), if that process is still the manager.
set -euo pipefail
dir=${1:?usage: demo-stop-manager.sh DIR}
pidfile="$dir/manager.pid"
[ -f "$pidfile" ] || exit 0
pid=$(cat "$pidfile")
# ps, not /proc: the demo runs on macOS too. A PID reused by another
# program is left alone.
if ps -o command= -p "$pid" 2>/dev/null | grep -q 'landfall manager'; then
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  if kill -0 "$pid" 2>/dev/null; then
    echo "error: the demo's landfall manager (pid $pid) did not stop" >&2
    exit 1
  fi
  echo "stopped the demo's landfall manager (pid $pid)"
fi
rm -f "$pidfile"
