#!/usr/bin/env bash
# Create (or reuse) the virtual environment with Odoo's and our requirements.
source "$(dirname "$0")/common.sh"
find_odoo
ensure_venv
echo "warranty_service: environment ready ($VENV, Odoo at $ODOO_SRC)"
