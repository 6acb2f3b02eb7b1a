#!/usr/bin/env bash
# `make run`'s last step: Celery worker + beat in the background, runserver in the foreground.
# Stopping runserver (Ctrl-C) stops the worker and beat through the EXIT trap.
# Expects the database to be migrated and seeded already (the Makefile does that).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
INSTANCE="${INSTANCE:-dev}"
HOST="${RUN_HOST:-127.0.0.1}"
PORT="${RUN_PORT:-8000}"
# shellcheck source=scripts/dev_processes.sh
source "$ROOT/scripts/dev_processes.sh"

export DEBUG=1
unset AVVIKA_TESTING

cleanup() {
  trap - EXIT INT TERM
  echo
  echo "Stopping Celery worker and beat…"
  stop_workers
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_workers

if [ -f "$ROOT/var/log/seed_demo.log" ]; then
  echo
  sed -n '/Inloggningar/,$p' "$ROOT/var/log/seed_demo.log"
fi
echo
echo "Avvika: http://$HOST:$PORT/   (health: http://$HOST:$PORT/health/, Ctrl-C stops everything)"
echo

# Not exec: the shell must stay to run the trap when runserver ends.
"$VENV/bin/python" manage.py runserver "$HOST:$PORT"
