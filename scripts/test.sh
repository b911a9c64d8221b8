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

state=$(mktemp -d /tmp/avatarapp-test.XXXXXX)
cleanup() {
  status=$?
  scripts/services.sh stop "$state"
  rm -rf "$state"
  exit $status
}
trap cleanup EXIT INT TERM

step "services"
scripts/services.sh start "$state"
# shellcheck disable=SC1091
source "$state/env"
export AVATARAPP_VAR_DIR="$state/var"
export TEST_ARTIFACTS_DIR="${TEST_ARTIFACTS_DIR:-$PWD/test-artifacts}"
# Every service is up, so nothing may skip: a skip fails the run unless tests/skip_policy.py
# allows its reason (a service missing mid-run would otherwise turn whole areas into skips).
export AVATARAPP_SKIPS_FAIL=1

step "static checks"
scripts/lint.sh

step "static files"
uv run python manage.py collectstatic --noinput -v0

step "test suite"
set +e
uv run pytest -p no:cacheprovider --durations=30 "$@"
status=$?
set -e
if [ $status -eq 5 ]; then
  echo "make test: no test ran; that counts as a failure" >&2
  exit 1
fi
echo "screenshots: $TEST_ARTIFACTS_DIR/screenshots"
exit $status
