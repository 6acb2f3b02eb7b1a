#!/usr/bin/env bash
# `make pytest` / `make test`: the pytest suite in two passes.
#   1. every test except the fault tests, on PYTEST_WORKERS xdist workers (pytest-django gives
#      each worker its own test database, <TEST_DATABASE_NAME>_gw0, _gw1, …);
#   2. the fault tests (marker `faults`, tests/faults/), alone and without xdist: they stop and
#      restart servers and kill Celery workers, which must never happen under another test.
# Both passes always run; the exit status is 0 only if both passed. Arguments go to both passes.
# Exit 5 (no test collected) is a failure of the whole suite; only with arguments that narrow
# the run (`make pytest PYTEST_ARGS='-k name'`) may one pass legitimately select nothing.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTEST="${PYTEST:-$ROOT/.venv/bin/pytest}"
WORKERS="${PYTEST_WORKERS:-auto}"
NARROWED=$#

judge() {
  local name="$1" rc="$2"
  if [ "$rc" -eq 5 ] && [ "$NARROWED" -gt 0 ]; then
    echo "pytest_passes: no test of the $name pass matches the given arguments"
    return 0
  fi
  [ "$rc" -eq 0 ] || echo "pytest_passes: the $name pass failed (pytest exit $rc)" >&2
  return "$rc"
}

echo "== pytest, main pass ($WORKERS workers; tests/faults afterwards)"
"$PYTEST" -n "$WORKERS" -m "not faults" --durations=15 "$@"
main_rc=$?
echo
echo "== pytest, fault tests alone"
"$PYTEST" -p no:xdist -m faults --durations=15 "$@" tests/faults
faults_rc=$?

judge main "$main_rc"
main_ok=$?
judge faults "$faults_rc"
faults_ok=$?
[ "$main_ok" -eq 0 ] && [ "$faults_ok" -eq 0 ]
