#!/usr/bin/env bash
# `make test`: install what is missing, start the real services on loopback, run the static checks
# and the whole suite (browser tests included) on PostgreSQL, then stop every server it started,
# also on failure. Exits non-zero when any step fails or when no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never

step() { printf '\n== %s\n' "$*"; }

step "system packages"
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "all present"
fi

step "python dependencies"
command -v uv >/dev/null || python3 -m pip install --quiet uv
uv sync --locked --quiet

# The suite runs as two shards side by side, each on services of its own (a database, broker and
# bucket per shard, so neither sees the other's rows, messages or objects): the journeys (browser,
# fault and `make run` tests, which mostly wait on browsers, workers and the emulator) and the rest
# (CPU-bound). On these 2-core machines that takes the suite from ~16 to ~10 minutes. Arguments,
# as in `make test` ARGS or `scripts/test.sh tests/gallery`, run those tests alone, in one shard.
JOURNEYS=(tests/browser tests/faults tests/test_make_run.py)
if [ $# -gt 0 ]; then shards=(only); else shards=(journeys rest); fi

states=()
cleanup() {
  status=$?
  for state in "${states[@]}"; do
    scripts/services.sh stop "$state"
    rm -rf "$state"
  done
  exit $status
}
trap cleanup EXIT INT TERM

step "services"
for shard in "${shards[@]}"; do
  state=$(mktemp -d "/tmp/avatarapp-test-$shard.XXXXXX")
  states+=("$state")
  scripts/services.sh start "$state"
done
export TEST_ARTIFACTS_DIR="${TEST_ARTIFACTS_DIR:-$PWD/test-artifacts}"
# Every service is up, so nothing may skip: a skip fails the run unless tests/skip_policy.py
# allows its reason (a service missing mid-run would otherwise turn whole areas into skips).
export AVATARAPP_SKIPS_FAIL=1

step "static checks"
scripts/lint.sh

step "static files"
uv run python manage.py collectstatic --noinput -v0

# One shard's pytest, on the services started in $1 (a subshell, so each sees its own).
run_shard() {
  local state=$1
  shift
  (
    # shellcheck disable=SC1091
    source "$state/env"
    export AVATARAPP_VAR_DIR="$state/var"
    uv run pytest -p no:cacheprovider --durations=30 "$@"
  )
}

# pytest's own status, except that "no test ran" (5) counts as a failure.
verdict() {
  if [ "$1" -eq 5 ]; then
    echo "make test: no test ran in the $2 shard; that counts as a failure" >&2
    return 1
  fi
  return "$1"
}

step "test suite"
set +e
if [ "${shards[0]}" = only ]; then
  run_shard "${states[0]}" "$@"
  verdict $? "requested"
  status=$?
else
  ignored=()
  for path in "${JOURNEYS[@]}"; do ignored+=("--ignore=$path"); done
  # The journeys write to a log shown after the rest, so the two never interleave.
  journeys_log="${states[0]}/journeys.log"
  run_shard "${states[0]}" "${JOURNEYS[@]}" >"$journeys_log" 2>&1 &
  journeys_pid=$!
  run_shard "${states[1]}" tests "${ignored[@]}"
  verdict $? "rest"
  rest_status=$?
  wait "$journeys_pid"
  journeys_status=$?
  step "test suite: journeys (browser, faults, make run)"
  cat "$journeys_log"
  verdict $journeys_status "journeys"
  journeys_status=$?
  status=$((rest_status || journeys_status))
fi
set -e
echo "screenshots: $TEST_ARTIFACTS_DIR/screenshots"
exit $status
