#!/bin/sh
# A throw-away PostgreSQL cluster set up like the reference server of the performance
# baselines (shared_buffers 512MB, work_mem 32MB, random_page_cost 1.1, jit off), on
# 127.0.0.1:5433 with trust authentication, for benchmarks only. Needs Debian's
# postgresql-common tools (pg_createcluster) and root.
#
#   sh benchmarks/postgres_cluster.sh start   # prints the server URL for TIMELINE_BENCH_POSTGRES_URL
#   sh benchmarks/postgres_cluster.sh stop    # drops the cluster and its data
set -eu

NAME=timeline_bench
PORT=5433
VERSION=$(pg_lsclusters --no-header | awk 'NR == 1 { print $1 }')

case "${1:-}" in
start)
    if ! pg_lsclusters --no-header | awk '{ print $2 }' | grep -qx "$NAME"; then
        pg_createcluster "$VERSION" "$NAME" --port "$PORT" -- --auth=trust >/dev/null
        for setting in "shared_buffers 512MB" "work_mem 32MB" "random_page_cost 1.1" "jit off"; do
            # shellcheck disable=SC2086  # a setting is a name and a value
            pg_conftool "$VERSION" "$NAME" set $setting
        done
    fi
    pg_ctlcluster "$VERSION" "$NAME" status >/dev/null || pg_ctlcluster "$VERSION" "$NAME" start
    pg_isready -q -h 127.0.0.1 -p "$PORT"
    echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
    ;;
stop)
    pg_dropcluster --stop "$VERSION" "$NAME"
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
