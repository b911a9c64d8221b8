#!/usr/bin/env bash
# Start or stop the real services the test suite runs against, all on loopback, all owned by one
# state folder: PostgreSQL, Redis and an S3 protocol server (moto).
#
#   scripts/services.sh start DIR   -> starts them, writes DIR/env (export lines for the suite)
#   scripts/services.sh stop DIR    -> stops whatever DIR started; safe to call twice
#
# Ports are picked free at start, so a developer's own servers on the usual ports do not clash.
set -euo pipefail

action=${1:?usage: services.sh start|stop DIR}
state=${2:?usage: services.sh start|stop DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {  # host port name seconds
  local deadline=$((SECONDS + $4))
  until python3 -c "import socket,sys; socket.create_connection(('$1', $2), 0.5)" 2>/dev/null; do
    if ((SECONDS > deadline)); then
      echo "services: $3 did not start on $1:$2; its log follows" >&2
      tail -n 30 "$state/$3.log" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

as_postgres() {  # initdb refuses to run as root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  mkdir -p "$state"
  chmod 755 "$state"
  local pg_port redis_port s3_port
  pg_port=$(free_port); redis_port=$(free_port); s3_port=$(free_port)

  mkdir -p "$state/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$state/pg"
  as_postgres "$pg_bin/initdb" -D "$state/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$state/postgres-init.log" 2>&1
  touch "$state/postgres.log"
  [ "$(id -u)" = 0 ] && chown postgres "$state/postgres.log"
  as_postgres "$pg_bin/pg_ctl" -D "$state/pg" -l "$state/postgres.log" -w -o \
    "-p $pg_port -k $state/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null
  # The database DATABASE_URL names (tests use test_<name>; makemigrations --check connects here).
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres avatarapp

  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$state/redis.pid" --logfile "$state/redis.log"
  wait_for_port 127.0.0.1 "$redis_port" redis 20

  (cd "$root" && exec uv run moto_server -H 127.0.0.1 -p "$s3_port") >"$state/s3.log" 2>&1 &
  echo $! >"$state/s3.pid"
  wait_for_port 127.0.0.1 "$s3_port" s3 30

  cat >"$state/env" <<ENV
export DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/avatarapp
export REDIS_URL=redis://127.0.0.1:$redis_port/0
export TEST_REDIS_PORT=$redis_port
export S3_ENDPOINT_URL=http://127.0.0.1:$s3_port
export S3_BUCKET=avatarapp-test
export S3_ACCESS_KEY_ID=test-access-key
export S3_SECRET_ACCESS_KEY=test-secret-key
ENV
  echo "services: PostgreSQL :$pg_port, Redis :$redis_port, S3 (moto) :$s3_port"
}

stop() {
  [ -d "$state" ] || return 0
  if [ -f "$state/pg/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$state/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  for pidfile in "$state/redis.pid" "$state/s3.pid"; do
    if [ -f "$pidfile" ]; then
      pid=$(cat "$pidfile")
      pkill -TERM -P "$pid" 2>/dev/null || true
      kill -TERM "$pid" 2>/dev/null || true
      rm -f "$pidfile"
    fi
  done
}

"$action"
