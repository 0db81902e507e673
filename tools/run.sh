#!/usr/bin/env bash
# Serve a demo database with warranty_service installed on http://localhost:8069.
source "$(dirname "$0")/common.sh"
find_odoo
ensure_venv
ensure_postgres
# WARRANTY_LANG=bg_BG: the demo dealer in that language (a database of its own, warranty_demo_bg_bg): the
# language loaded before the addon, the users working in it; for bg_BG a Bulgarian dealer on the l10n_bg chart
# in euro, Bulgarian customers and the manufacturer's Bulgarian importer (tools/demo_lang*.py)
DEMO_LANG="${WARRANTY_LANG:-}"
if [ -n "$DEMO_LANG" ]; then
    DB="${WARRANTY_DB:-warranty_demo_$(echo "$DEMO_LANG" | tr '[:upper:]' '[:lower:]')}"
else
    DB="${WARRANTY_DB:-warranty_demo}"
fi
odoo_shell() {
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" shell \
        --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" -d "$1" --log-level=warn --no-http
}
addon_hash() { find "$PROJECT_DIR/warranty_service" -type f ! -name '*.pyc' | sort | xargs cat | sha1sum | cut -c1-40; }
PORT="${HTTP_PORT:-8069}"
if ! psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
   || ! psql -d "$DB" -tAc "SELECT 1 FROM ir_module_module WHERE name = 'warranty_service' AND state = 'installed'" 2>/dev/null | grep -q 1; then
    echo "warranty_service: creating database $DB with demo data (a few minutes, once)"
    dropdb --if-exists "$DB"
    createdb "$DB"
    if [ -n "$DEMO_LANG" ]; then
        odoo_bin -d "$DB" -i base --load-language="$DEMO_LANG" --stop-after-init --log-level=warn
        if [ "$DEMO_LANG" = "bg_BG" ]; then
            # Before accounting is installed: its chart (l10n_bg) is chosen from the company's country
            WARRANTY_LANG="$DEMO_LANG" odoo_shell "$DB" < "$PROJECT_DIR/tools/demo_lang_pre.py"
            # The chart is loaded at the end of the run that installs accounting, and the addon's demo
            # books claims: accounting and l10n_bg first, the addon in a run of its own
            odoo_bin -d "$DB" -i l10n_bg --stop-after-init --log-level=warn
        fi
    fi
    odoo_bin -d "$DB" -i warranty_service --stop-after-init --log-level=warn
    if [ -n "$DEMO_LANG" ]; then
        WARRANTY_LANG="$DEMO_LANG" odoo_shell "$DB" < "$PROJECT_DIR/tools/demo_lang.py"
    fi
    addon_hash > "$VENV/.demo-$DB.stamp"
elif [ "$(cat "$VENV/.demo-$DB.stamp" 2>/dev/null)" != "$(addon_hash)" ]; then
    # The addon changed since this database was made: bring its tables and views up to date
    echo "warranty_service: updating warranty_service in $DB"
    odoo_bin -d "$DB" -u warranty_service --stop-after-init --log-level=warn
    addon_hash > "$VENV/.demo-$DB.stamp"
fi
cat <<MSG

  Warranty Service is served on http://localhost:$PORT  (database $DB)
  Log in as admin / admin (Warranty Manager). Stop with Ctrl+C.

MSG
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" \
    --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR" \
    --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" \
    -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" --log-level=info
