#!/usr/bin/env bash
# Smoke test of what `make run` starts, on port 8765 in the background:
# migrate + seed_demo, Celery worker + beat, runserver (DEBUG=1); wait for /health/; log in as the
# demo sektionschef through the real login form (CSRF) and check the start page; stop everything.
# Exit status 0 only if every step passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
INSTANCE=smoke
PORT="${SMOKE_PORT:-8765}"
BASE="http://127.0.0.1:$PORT"
DEMO_USER="${SMOKE_USER:-chef.utredning}"
DEMO_PASSWORD="${SMOKE_PASSWORD:-Avvika-demo-2025}"
DEMO_NAME="${SMOKE_NAME:-Sara Lindqvist}"
WAIT_SECONDS="${SMOKE_WAIT_SECONDS:-60}"
# e.g. SMOKE_SEED_ARGS=--only-org for a quick run (organisation and users, no cases).
read -r -a SEED_ARGS <<<"${SMOKE_SEED_ARGS:-}"
# shellcheck source=scripts/dev_processes.sh
source "$ROOT/scripts/dev_processes.sh"

export DEBUG=1
unset AVVIKA_TESTING

WORK="$(mktemp -d)"
JAR="$WORK/cookies.txt"
SERVER_PIDFILE="$RUN_DIR/runserver.pid"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pidfile "$SERVER_PIDFILE"
  stop_workers
  rm -rf "$WORK"
  if [ "$rc" -eq 0 ]; then
    echo "SMOKE OK"
  else
    echo "SMOKE FAILED (exit $rc); logs in var/log/$INSTANCE-*.log" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "smoke: $*" >&2; exit 1; }

if curl -s -o /dev/null "$BASE/" 2>/dev/null; then
  fail "something already listens on port $PORT"
fi

echo "== install, database, demo data"
make -s install db
# The URLs the service check chose (the developer's own servers or the private ones).
set -a
# shellcheck source=/dev/null
. "$ROOT/var/services.env"
set +a
"$VENV/bin/python" manage.py seed_demo ${SEED_ARGS[@]+"${SEED_ARGS[@]}"} | tee "$LOG_DIR/$INSTANCE-seed_demo.log"

echo "== start worker, beat and runserver on $BASE"
start_workers
# --noreload: one process, so the pid file names the server itself.
start_bg runserver "$VENV/bin/python" manage.py runserver --noreload "127.0.0.1:$PORT"

echo "== wait for /health/ (up to ${WAIT_SECONDS}s)"
health=""
for _ in $(seq 1 "$WAIT_SECONDS"); do
  check_alive runserver || fail "runserver died"
  health="$(curl -s --max-time 5 "$BASE/health/" || true)"
  if printf '%s' "$health" | grep -q '"worker": *"ok"'; then
    break
  fi
  sleep 1
done
echo "   /health/: ${health:-no answer}"
printf '%s' "$health" | grep -q '"database": *"ok"' || fail "database not ok in /health/"
printf '%s' "$health" | grep -q '"redis": *"ok"' || fail "redis not ok in /health/"
printf '%s' "$health" | grep -q '"worker": *"ok"' || fail "worker not ok in /health/"
check_alive worker || fail "worker died"
check_alive beat || fail "beat died"

echo "== log in as $DEMO_USER"
curl -s -f --max-time 10 -c "$JAR" -b "$JAR" -o "$WORK/login.html" "$BASE/logga-in/" \
  || fail "GET /logga-in/ failed"
token="$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$WORK/login.html" \
  | head -n 1 | sed 's/.*value="//; s/"$//')"
[ -n "$token" ] || fail "no csrfmiddlewaretoken on /logga-in/"
status="$(curl -s --max-time 10 -c "$JAR" -b "$JAR" -o "$WORK/post.html" -w '%{http_code}' \
  -H "Referer: $BASE/logga-in/" \
  --data-urlencode "csrfmiddlewaretoken=$token" \
  --data-urlencode "username=$DEMO_USER" \
  --data-urlencode "password=$DEMO_PASSWORD" \
  "$BASE/logga-in/")"
[ "$status" = "302" ] || fail "login POST answered $status, expected 302 (wrong password or CSRF?)"

echo "== fetch /"
status="$(curl -s --max-time 20 -c "$JAR" -b "$JAR" -o "$WORK/start.html" -w '%{http_code}' "$BASE/")"
[ "$status" = "200" ] || fail "GET / answered $status after login"
if grep -q -e "Inkorg" -e "$DEMO_NAME" "$WORK/start.html"; then
  echo "   start page shows the inbox / user name"
else
  fail "start page has neither 'Inkorg' nor '$DEMO_NAME'"
fi
