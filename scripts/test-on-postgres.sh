#!/bin/sh
# Runs CTest tests with every `archway serve` the integration tests start on a PostgreSQL database
# of its own (tests/support/server_process.cc, ARCHWAY_TEST_POSTGRES), on a throwaway server
# started here in a temporary directory and stopped at the end. Arguments go to ctest, e.g.
#   scripts/test-on-postgres.sh -R 'PublisherApi|DevPortal' -j2
# Run from the repository root after `cmake --build --preset release`.
set -eu
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (package postgresql)" >&2; exit 1; }
dir=$(mktemp -d)
port=${ARCHWAY_TEST_POSTGRES_PORT:-55439}
as_server=""
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; as_server="runuser -u postgres --"; fi
cleanup() { (cd "$dir" && $as_server "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1) || true; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
(cd "$dir" && $as_server "$bin/initdb" -D "$dir/data" -U archway -A trust -E UTF8 --locale=C --no-sync \
  --no-instructions >"$dir/initdb.log" 2>&1)
(cd "$dir" && $as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-p $port -k $dir \
  -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
  -c max_connections=300" start >/dev/null)
export ARCHWAY_TEST_POSTGRES="127.0.0.1:$port"
ctest --preset release "$@"
