#!/usr/bin/env bash
# Sets up Alliance and runs it on SQLite with demo data: prints the URL and the demo logins.
# Extra arguments go to `alliance demo` (e.g. --port 8080 --host 0.0.0.0).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/alliance demo "$@"
