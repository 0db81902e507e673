#!/usr/bin/env bash
# make readme: warranty_service/README.rst and static/description/index.html from readme/*.rst
# (tools/gen_readme.py), with the docutils of Odoo's environment: the one Odoo pins, so that the
# generated HTML is the same on every machine. CHECK=1: write nothing, fail when a file is stale.
source "$(dirname "$0")/common.sh"
find_odoo
ensure_venv
exec "$VENV/bin/python" "$PROJECT_DIR/tools/gen_readme.py" ${CHECK:+--check}
