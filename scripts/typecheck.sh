#!/usr/bin/env bash
# Type-checks landgis and api with mypy; the files and settings are in pyproject.toml
# ([tool.mypy]).  Extra arguments go to mypy (scripts/typecheck.sh --no-incremental).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

MYPY=.venv/bin/mypy
if [[ ! -x "$MYPY" ]]; then
    echo "typecheck.sh: ERROR: $MYPY not found; run 'make install' first" >&2
    exit 1
fi
exec "$MYPY" "$@"
