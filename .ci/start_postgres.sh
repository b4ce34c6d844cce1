#!/usr/bin/env bash
# Start a throw-away PostgreSQL (Debian's package) on loopback for the tests, as the postgres user,
# with a role that may create databases (each test makes its own and drops it). Prints the URL to
# export as KEHOACH_TEST_POSTGRES_URL. Usage: .ci/start_postgres.sh [port]
set -euo pipefail
port="${1:-55432}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
data="$(mktemp -d /tmp/kehoach-pg.XXXXXX)"
chown postgres:postgres "$data"
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
echo postgres > "$data/pw" && chown postgres:postgres "$data/pw"
run "$bin/initdb" -D "$data/db" -A scram-sha-256 -U postgres --pwfile="$data/pw" -E UTF8 --locale=C.UTF-8 \
  >/dev/null
run "$bin/pg_ctl" -D "$data/db" -l "$data/log" -w \
  -o "-k /tmp -h 127.0.0.1 -p $port -c fsync=off -c max_connections=200" start >/dev/null
PGPASSWORD=postgres run "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE kehoach LOGIN CREATEDB PASSWORD 'kehoach'" \
  -c "GRANT pg_signal_backend TO kehoach" >/dev/null
# pg_signal_backend: a test database is dropped WITH (FORCE), which ends any session still on it (a CI run
# failed once on a session it was not allowed to end)
echo "postgresql+psycopg://kehoach:kehoach@127.0.0.1:$port/postgres"
