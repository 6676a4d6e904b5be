#!/usr/bin/env bash
# A long schemathesis run of tests/api/test_schemathesis.py: many more fuzzed cases per operation
# and the boundary-value (coverage) phase, on SQLite, then PostgreSQL when a server is reachable.
# The suite's own run is bounded for CI (6 cases per operation, no coverage phase).
#
#   bench/schemathesis_long.sh                 # 200 cases per operation, coverage phase, seed 16
#   EXAMPLES=1000 SEED=7 bench/schemathesis_long.sh -x
#
# Output goes to bench/results/schemathesis-<backend>.txt (ignored by git); extra arguments go to
# pytest. Every failure prints the curl command that reproduces it.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
mkdir -p bench/results
export ALLIANCE_SCHEMATHESIS_EXAMPLES=${EXAMPLES:-200} ALLIANCE_SCHEMATHESIS_COVERAGE=1 ALLIANCE_SCHEMATHESIS_SEED=${SEED:-16}
status=0
backends=(sqlite)
pg_url=${ALLIANCE_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}
if $PY -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$pg_url" 2>/dev/null; then
  backends+=(postgresql)
fi
for backend in "${backends[@]}"; do
  started=$SECONDS
  ALLIANCE_TEST_BACKEND=$backend $PY -m pytest tests/api/test_schemathesis.py -q -p no:cacheprovider -n "${WORKERS:-2}" "$@" \
    >"bench/results/schemathesis-$backend.txt" 2>&1 || status=1
  echo "$backend: $(tail -n 1 "bench/results/schemathesis-$backend.txt") ($((SECONDS - started)) s, $ALLIANCE_SCHEMATHESIS_EXAMPLES cases per operation)"
done
exit $status
