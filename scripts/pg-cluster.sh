#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on loopback, for trying cxd on PostgreSQL by hand.
#
#   scripts/pg-cluster.sh start [FOLDER]   # prints the database URL to put in config/cxd.yaml
#   scripts/pg-cluster.sh stop  [FOLDER]
#
# The cluster lives in FOLDER (default /tmp/cxd-pg-dev), trusts loopback connections and keeps
# no fsync: it is for development only. As root (containers, CI), it runs as the postgres
# user. The tests start a cluster of their own (Tests/CXTestSupport/PostgresCluster.swift).
set -euo pipefail
command="${1:-}"
folder="${2:-/tmp/cxd-pg-dev}"
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/initdb" ] || { echo "PostgreSQL 15 is not installed: apt-get install postgresql-15" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
  start)
    if [ ! -d "$folder/data" ]; then
      mkdir -p "$folder"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$folder"
      as_owner "$bin/initdb" -D "$folder/data" -U cxd -A trust -E UTF8 --locale=C --no-sync >/dev/null
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w \
      -o "-p $port -k $folder -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
    as_owner "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U cxd -d postgres -c "CREATE DATABASE cxd" 2>/dev/null || true
    echo "$port" > "$folder/port"
    echo "postgres://cxd@127.0.0.1:$port/cxd?sslmode=disable"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$folder/data" -m fast stop >/dev/null
    echo "stopped (the data stays in $folder; rm -rf it to start afresh)"
    ;;
  *)
    echo "usage: $0 start|stop [FOLDER]" >&2
    exit 64
    ;;
esac
