#!/usr/bin/env bash
# Runs every test. Sets up what the tests need first: PostgreSQL on 127.0.0.1:5432 (installed with
# apt and started when missing, if we are allowed to), and the compiled CLI.
set -uo pipefail
cd "$(dirname "$0")/.."

: "${TENANTRY_TEST_POSTGRES_URL:=postgres://postgres@127.0.0.1:5432/test}"
export TENANTRY_TEST_POSTGRES_URL

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "PostgreSQL is not installed; installing it with apt…" >&2
    as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || {
      echo "Cannot install PostgreSQL. Install it (apt-get install postgresql) and start it on 127.0.0.1:5432 with trust auth and a database named test." >&2
      exit 1
    }
  fi
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$version" ]; then as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || as_root pg_ctlcluster "$version" main start || true; fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL does not answer on 127.0.0.1:5432." >&2; exit 1; }
}

ensure_chromium() {
  # The web UI's end-to-end tests drive Debian's Chromium through playwright-core.
  if [ -x "${TENANTRY_CHROMIUM:-/usr/bin/chromium}" ]; then return 0; fi
  echo "Chromium is not installed; installing it with apt…" >&2
  as_root apt-get update -qq >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || {
    echo "Cannot install Chromium. Install it (apt-get install chromium) or set TENANTRY_CHROMIUM to a Chromium binary." >&2
    exit 1
  }
}

ensure_test_database() {
  # The tests connect as postgres to database test; create the database if this cluster lacks it.
  if ! psql "$TENANTRY_TEST_POSTGRES_URL" -qAtc 'select 1' >/dev/null 2>&1; then
    as_root su postgres -c "createdb test" 2>/dev/null || psql -h 127.0.0.1 -U postgres -qc 'create database test' 2>/dev/null || true
  fi
  psql "$TENANTRY_TEST_POSTGRES_URL" -qAtc 'select 1' >/dev/null || {
    echo "Cannot connect to $TENANTRY_TEST_POSTGRES_URL (trust auth for user postgres on 127.0.0.1 is expected)." >&2
    exit 1
  }
}

ensure_postgres
ensure_test_database
ensure_chromium
npm run --silent build || exit 1

mkdir -p test-output
files=$(find src test packages/sdk/src web -name '*.test.ts' -not -path '*/node_modules/*' | sort)
node --import tsx --test --test-reporter=tap --test-concurrency=1 --test-timeout=600000 $files 2>&1 | tee test-output/test.tap
status=${PIPESTATUS[0]}
pass=$(grep -E '^# pass ' test-output/test.tap | tail -n 1 | awk '{print $3}')
fail=$(grep -E '^# fail ' test-output/test.tap | tail -n 1 | awk '{print $3}')

# The test harness shown from vitest (*.vitest.ts); its results count in the same totals.
rm -f test-output/vitest.json
npx vitest run --reporter=default --reporter=json --outputFile.json=test-output/vitest.json
vitest_status=$?
if [ -f test-output/vitest.json ]; then
  read -r vpass vfail < <(node -e 'const r = JSON.parse(require("fs").readFileSync("test-output/vitest.json", "utf8")); console.log(r.numPassedTests, r.numFailedTests)')
else
  vpass=0 vfail=1 # vitest did not get as far as reporting
fi
pass=$(( ${pass:-0} + ${vpass:-0} ))
fail=$(( ${fail:-0} + ${vfail:-0} ))
[ "$status" = 0 ] && status=$vitest_status
echo "${pass} passed, ${fail} failed"
exit "$status"
