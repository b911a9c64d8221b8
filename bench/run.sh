#!/usr/bin/env bash
# `make bench`: install what is missing (like `make test`), start PostgreSQL, Redis and the S3
# server on free loopback ports, run the benchmark (python -m bench starts the emulator, gunicorn,
# the Celery worker and the bare client itself), then stop every process it started, also on
# failure or Ctrl-C. Settings: BENCH_LATENCY, BENCH_IMAGES, BENCH_CONCURRENCY, BENCH_POOL,
# BENCH_PAGE_IMAGES, BENCH_PAGE_REQUESTS, BENCH_GALLERY_IMAGES, BENCH_ZIP_IMAGES, BENCH_PEER_IMAGES (see
# bench/__main__.py). Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
command -v uv >/dev/null || python3 -m pip install --quiet uv
uv sync --locked --quiet
if [ "${BENCH_POOL:-threads}" = gevent ]; then
  # gevent is not a project dependency: the worker alone gets it, from a folder under var/.
  export BENCH_GEVENT_DIR="$PWD/var/bench/gevent-pkgs"
  [ -d "$BENCH_GEVENT_DIR/gevent" ] ||
    uv pip install --quiet --python .venv/bin/python --target "$BENCH_GEVENT_DIR" "gevent==26.9.0"
fi

state=$(mktemp -d /tmp/avatarapp-bench.XXXXXX)
cleanup() {
  status=$?
  trap - EXIT INT TERM
  # Backstop for a crash of the Python side: the processes it started, by pid only.
  if [ -f "$state/bench.pids" ]; then
    while read -r pid; do
      kill -TERM "$pid" 2>/dev/null || true
    done <"$state/bench.pids"
  fi
  scripts/services.sh stop "$state"
  if [ "${BENCH_KEEP_STATE:-}" = 1 ]; then echo "bench: logs kept in $state"; else rm -rf "$state"; fi
  exit "$status"
}
trap cleanup EXIT INT TERM

scripts/services.sh start "$state"
# shellcheck disable=SC1091
source "$state/env"
export BENCH_STATE_DIR="$state"
# The Python side bounds every phase itself; this only stops a run that hangs regardless.
timeout --foreground --signal=TERM --kill-after=20 900 .venv/bin/python -m bench
