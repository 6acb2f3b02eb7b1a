#!/usr/bin/env bash
# Create the database named in DATABASE_URL if it does not exist yet (idempotent).
# Connects to the server's maintenance database "postgres" with the same credentials.
set -euo pipefail

url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/avvika}"
case "$url" in
  postgres://* | postgresql://*) ;;
  *) echo "ensure_db: DATABASE_URL must be postgres:// or postgresql:// (got '${url%%:*}://…')" >&2; exit 2 ;;
esac

base="${url%%\?*}"          # without ?query
query="${url#"$base"}"      # ?query or empty
name="${base##*/}"          # database name
server="${base%/*}"         # scheme://user:pass@host:port
rest="${base#*://}"
case "$rest" in */?*) ;; *) name="" ;; esac
if [ -z "$name" ]; then
  echo "ensure_db: DATABASE_URL has no database name" >&2
  exit 2
fi
maint="${server}/postgres${query}"

if ! command -v psql >/dev/null 2>&1; then
  echo "ensure_db: psql not found (run 'make system-deps')" >&2
  exit 1
fi

# psql interpolates :'name' / :"name" only in scripts read from stdin, not with -c.
exists="$(printf "SELECT 1 FROM pg_database WHERE datname = :'name';\n" \
  | psql "$maint" -X -q -At -v ON_ERROR_STOP=1 -v name="$name")"
if [ "$exists" = "1" ]; then
  echo "ensure_db: database '$name' exists"
else
  printf 'CREATE DATABASE :"name";\n' | psql "$maint" -X -q -v ON_ERROR_STOP=1 -v name="$name"
  echo "ensure_db: created database '$name'"
fi
