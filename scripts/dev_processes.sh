# shellcheck shell=bash
# Start/stop the development Celery worker and beat. Sourced by scripts/run_dev.sh (`make run`)
# and scripts/smoke_run.sh. Every process is tracked by its own pid file under var/run/<instance>/
# and only those pids are ever signalled.
#
# Needs: ROOT (repo root), INSTANCE (e.g. "dev", "smoke"). Optional: VENV (default $ROOT/.venv).

: "${ROOT:?ROOT must be set}"
: "${INSTANCE:?INSTANCE must be set}"
VENV="${VENV:-$ROOT/.venv}"
RUN_DIR="$ROOT/var/run/$INSTANCE"
LOG_DIR="$ROOT/var/log"
mkdir -p "$RUN_DIR" "$LOG_DIR"

_pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# stop_pidfile FILE: TERM the recorded pid, wait up to 10 s, then KILL; remove the file.
stop_pidfile() {
  local file="$1" pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file" 2>/dev/null || true)"
  if _pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      _pid_alive "$pid" || break
      sleep 0.2
    done
    if _pid_alive "$pid"; then
      echo "  $(basename "$file" .pid) ($pid) did not stop in 10 s; sending KILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

# start_bg NAME CMD...: run CMD in the background, log to var/log/<instance>-NAME.log.
start_bg() {
  local name="$1"; shift
  local pidfile="$RUN_DIR/$name.pid" log="$LOG_DIR/$INSTANCE-$name.log"
  stop_pidfile "$pidfile"   # a leftover from an earlier run of this same instance
  "$@" >>"$log" 2>&1 &
  echo $! >"$pidfile"
  echo "  $name started (pid $!, log ${log#"$ROOT"/})"
}

start_workers() {
  echo "Starting Celery worker and beat ($INSTANCE)…"
  start_bg worker "$VENV/bin/celery" -A config worker -Q celery,pdf -l info \
    --concurrency 2 -n "$INSTANCE@%h"
  start_bg beat "$VENV/bin/celery" -A config beat -l info \
    --schedule "$RUN_DIR/celerybeat-schedule"
}

stop_workers() {
  stop_pidfile "$RUN_DIR/beat.pid"
  stop_pidfile "$RUN_DIR/worker.pid"
}

# check_alive NAME: fail if a started process has already died (e.g. broker unreachable).
check_alive() {
  local name="$1" pid
  pid="$(cat "$RUN_DIR/$name.pid" 2>/dev/null || true)"
  if ! _pid_alive "$pid"; then
    echo "$name exited early; last lines of var/log/$INSTANCE-$name.log:" >&2
    tail -n 30 "$LOG_DIR/$INSTANCE-$name.log" >&2 || true
    return 1
  fi
}
