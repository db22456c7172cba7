#!/usr/bin/env bash
# Runs the adapters-postgres suites against a real PostgreSQL server through DATABASE_URL instead
# of the embedded one. By default Debian's PostgreSQL 15 (set PG_BIN for another installation's
# initdb/pg_ctl), started in a temporary directory — as the `postgres` system user when run as
# root, since initdb and postgres refuse root — and stopped and deleted on exit. Arguments go to
# jest (e.g. a test path). Each test file creates its own database on the server and drops it.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d -t ivm-pg-server-XXXXXX)
port=$(node -e "const s = require('net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")

as_server() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  chown postgres "$work"
fi

cleanup() {
  as_server "$PG_BIN/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# A throw-away cluster: trust on 127.0.0.1 only, no fsync.
as_server "$PG_BIN/initdb" -D "$work/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
as_server "$PG_BIN/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $work -c max_connections=300 -c fsync=off" start >/dev/null
echo "$("$PG_BIN/postgres" --version) on 127.0.0.1:$port"

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
cd "$root"
npx jest --config libs/adapters-postgres/jest.config.js "$@"
