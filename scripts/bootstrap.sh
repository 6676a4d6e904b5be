#!/usr/bin/env bash
# Creates .venv with Python 3.11+ and installs Alliance into it: on its own (SQLite), or with the
# test dependencies, linters and the PostgreSQL driver (`test`).
# Usage: scripts/bootstrap.sh [test]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PYTHON=$candidate; break
  fi
done
if [ -z "$PYTHON" ]; then
  echo "Alliance needs Python 3.11 or newer (python3 --version)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    # Debian and Ubuntu ship venv separately.
    rm -rf .venv
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      version=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
      apt-get update -qq && (apt-get install -y -qq "python${version}-venv" || apt-get install -y -qq python3-venv)
      "$PYTHON" -m venv .venv
    else
      echo "Cannot create a virtual environment: run 'sudo apt-get install python3-venv' and try again." >&2
      exit 1
    fi
  fi
fi

# WeasyPrint (QBR PDFs) draws text with Pango; the tests read PDFs with poppler-utils.
if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || ! command -v pdftoppm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 poppler-utils >/dev/null
  else
    echo "QBR PDFs need Pango and poppler: run 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 poppler-utils'." >&2
  fi
fi

extras=""
[ "${1:-}" = "test" ] && extras="[test,postgres]"
stamp=".venv/.installed${extras}"
# Reinstall only when the dependency list changed.
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
  touch "$stamp"
fi

# SAML single sign-on signs and checks XML with the xmlsec1 program (pysaml2 calls it); the SAML
# tests need it too. Installed here when missing and we may (Debian/Ubuntu as root); otherwise said.
if ! command -v xmlsec1 >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq xmlsec1
  else
    echo "SAML single sign-on needs xmlsec1: run 'sudo apt-get install xmlsec1' (Debian/Ubuntu) or 'brew install libxmlsec1'." >&2
  fi
fi
