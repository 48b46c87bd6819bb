#!/usr/bin/env bash
# Stops the landfall manager an earlier `make demo` left running in DIR
# (its PID is in DIR/manager.pid), if that process is still the manager.
set -euo pipefail
dir=${1:?usage: demo-stop-manager.sh DIR}
pidfile="$dir/manager.pid"
[ -f "$pidfile" ] || exit 0
pid=$(cat "$pidfile")
if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'landfall manager'; then
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "stopped the demo's landfall manager (pid $pid)"
fi
rm -f "$pidfile"
