#!/usr/bin/env bash
# Sets up Alliance with its test dependencies and runs the whole suite: on SQLite (with the
# browser tests when Chromium is installed), then on PostgreSQL when a server is reachable.
# ALLIANCE_TEST_REQUIRE_POSTGRES=1 / ALLIANCE_TEST_REQUIRE_BROWSER=1 make those parts mandatory.
# Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test || exit 1
PY=.venv/bin/python
reports=$(mktemp -d)
status=0
# One pytest worker per core (pytest-xdist); each worker builds its own database. worksteal: an
# idle worker takes queued tests from a busy one, so the long race and crash tests do not straggle.
workers=${ALLIANCE_TEST_WORKERS:-auto}

browser_args=()
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  browser_args=(--browser)
elif [ "${ALLIANCE_TEST_REQUIRE_BROWSER:-}" = 1 ]; then
  browser_args=(--browser)  # the browser tests will fail and say Chromium is missing
else
  echo "browser tests: skipped (no chromium; install it with 'apt-get install -y chromium')"
fi

# Each stage's wall time and exit status go beside its report, for the summary.
run_stage() {  # name, backend, pytest arguments...
  local name=$1 backend=$2 started=$SECONDS
  shift 2
  ALLIANCE_TEST_BACKEND=$backend $PY -m pytest -n "$workers" --dist worksteal "${browser_args[@]}" --junitxml="$reports/$name.xml" "$@"
  echo $? >"$reports/$name.status"
  echo $((SECONDS - started)) >"$reports/$name.seconds"
}

pg_url=${ALLIANCE_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}
with_postgres=0
if [ "${ALLIANCE_TEST_REQUIRE_POSTGRES:-}" = 1 ] || $PY -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$pg_url" 2>/dev/null; then
  with_postgres=1
fi

if [ $with_postgres = 1 ] && [ "${ALLIANCE_TEST_STAGES:-serial}" = parallel ]; then
  # Both backends at once, for machines with cores to spare (on 2 cores it measured slower: the
  # suite is CPU-bound). Each stage's output goes to its own log, printed whole when both are done.
  echo "== SQLite and PostgreSQL, side by side =="
  run_stage sqlite sqlite "$@" >"$reports/sqlite.log" 2>&1 &
  run_stage postgresql postgresql "$@" >"$reports/postgresql.log" 2>&1 &
  wait
  echo "== SQLite =="
  cat "$reports/sqlite.log"
  echo "== PostgreSQL =="
  cat "$reports/postgresql.log"
else
  echo "== SQLite =="
  run_stage sqlite sqlite "$@"
  if [ $with_postgres = 1 ]; then
    echo "== PostgreSQL =="
    run_stage postgresql postgresql "$@"
  else
    echo "PostgreSQL run: skipped (no server at $pg_url; set ALLIANCE_TEST_POSTGRES_URL)"
  fi
fi
for stage_status in "$reports"/*.status; do
  [ "$(cat "$stage_status")" = 0 ] || status=1
done

$PY - "$reports" "$SECONDS" <<'PYEOF'
import sys, pathlib, xml.etree.ElementTree as ET
totals = {"passed": 0, "failed": 0, "skipped": 0}
for report in sorted(pathlib.Path(sys.argv[1]).glob("*.xml")):
    suite = ET.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    tests, failures, errors, skipped = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    seconds = int(report.with_suffix(".seconds").read_text())
    print(f"{report.stem}: {tests - failures - errors - skipped} passed, {failures + errors} failed, {skipped} skipped in {seconds // 60}m{seconds % 60:02d}s")
    totals["passed"] += tests - failures - errors - skipped
    totals["failed"] += failures + errors
    totals["skipped"] += skipped
print(f"total: {totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped; wall time {int(sys.argv[2]) // 60}m{int(sys.argv[2]) % 60:02d}s with setup")
PYEOF
rm -rf "$reports"
exit $status
