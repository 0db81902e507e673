#!/usr/bin/env bash
# make lint: ruff (.ruff.toml) on every Python file of the repository, then pylint with the
# pylint-odoo plugin (.pylintrc: OCA's mandatory and optional checks for 18.0) on the addon.
# Prints every message and fails when there is one.
source "$(dirname "$0")/common.sh"
ensure_lint_tools
cd "$PROJECT_DIR"

status=0
echo "warranty_service: ruff check"
"$VENV/bin/ruff" check --no-fix --quiet --output-format=concise warranty_service tests tools bench || status=1
echo "warranty_service: pylint (pylint-odoo)"
"$VENV/bin/pylint" --rcfile=.pylintrc --output-format=text warranty_service || status=1
if [ "$status" -eq 0 ]; then
    echo "warranty_service: lint passed"
else
    echo "warranty_service: lint failed (messages above)" >&2
fi
exit "$status"
