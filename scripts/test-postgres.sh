#!/usr/bin/env bash
# Start a throwaway PostgreSQL on a loopback port for the tests and print its URL.
# Usage: eval "$(scripts/test-postgres.sh start DIR)"; ...; scripts/test-postgres.sh stop DIR
# Prints nothing (and exits 0) when no PostgreSQL server binaries are installed.
set -euo pipefail
action=${1:?start or stop}
dir=${2:?a scratch folder}
find_pgbin() {
    if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}
pgbin=$(find_pgbin || true)
if [ "$action" = start ] && { [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; } \
    && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 2>/dev/null \
        || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2; } || true
    pgbin=$(find_pgbin || true)
fi
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
    echo "echo 'PostgreSQL server not installed: PostgreSQL tests will be skipped' >&2"
    exit 0
fi
run() { if [ "$(id -u)" = "0" ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
port=${PGPORT_TEST:-55439}
case "$action" in
start)
    mkdir -p "$dir"
    [ "$(id -u)" = "0" ] && chown postgres "$dir"
    run "'$pgbin/initdb' -D '$dir/data' -A trust -U postgres" >"$dir/initdb.log" 2>&1
    run "'$pgbin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off\" start" >/dev/null
    run "'$pgbin/createdb' -h 127.0.0.1 -p $port -U postgres coachwise_test" >/dev/null
    echo "export TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/coachwise_test"
    ;;
stop)
    [ -d "$dir/data" ] && run "'$pgbin/pg_ctl' -D '$dir/data' -m fast stop" >/dev/null 2>&1 || true
    ;;
esac
