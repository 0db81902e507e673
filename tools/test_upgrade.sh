#!/usr/bin/env bash
# make test-upgrade: install the addon as it was at an earlier commit (UPGRADE_FROM, default bbe6b73,
# the last landed release 18.0.1.0.0) with its demo data into a throwaway database, record the
# registrations, repairs, claims (amounts, states, journal items) and requisitions, upgrade to this
# checkout's code with `-u warranty_service`, check them field by field, uninstall (nothing of the
# addon may be left), reinstall. Prints PASSED or FAILED; the database is dropped (KEEP_DB=1 keeps it).
source "$(dirname "$0")/common.sh"
find_odoo
ensure_venv
ensure_postgres
cd "$PROJECT_DIR"

FROM="${UPGRADE_FROM:-bbe6b73}"
DB="${UPGRADE_DB:-wsupgrade_$$_$(date +%s)}"
WORK="$(mktemp -d)"
LOG="$PROJECT_DIR/.test-logs/upgrade-$(date +%Y%m%d-%H%M%S).log"
mkdir -p "$PROJECT_DIR/.test-logs" "$WORK/old"
started=$(date +%s)
step="export of $FROM"

finish() {
    local status=$?
    [ -z "${KEEP_DB:-}" ] && dropdb --if-exists "$DB" >/dev/null 2>&1
    rm -rf "$WORK"
    echo
    if [ "$status" -eq 0 ]; then
        echo "test-upgrade: PASSED ($FROM -> HEAD: install with demo, upgrade keeps data, uninstall leaves nothing, reinstall) in $(( $(date +%s) - started )) s"
    else
        echo "test-upgrade: FAILED at: $step (log: $LOG)" >&2
    fi
}
trap finish EXIT

if ! git rev-parse --quiet --verify "$FROM^{commit}" >/dev/null; then
    die "commit $FROM is not in this clone, so the earlier release cannot be installed. Fetch the history (git fetch --unshallow, or git fetch origin $FROM) or set UPGRADE_FROM to an earlier commit of the addon."
fi
git archive "$FROM" warranty_service | tar -x -C "$WORK/old"
[ -f "$WORK/old/warranty_service/__manifest__.py" ] || die "commit $FROM has no warranty_service addon"
old_version=$(grep -o '"version": "[^"]*"' "$WORK/old/warranty_service/__manifest__.py")
new_version=$(grep -o '"version": "[^"]*"' warranty_service/__manifest__.py)
echo "test-upgrade: $FROM ($old_version) -> working tree ($new_version), database $DB, log $LOG"

CORE_PATHS="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons"
server() {  # server ADDONS_PATH ODOO_OPTIONS...
    local paths="$1"; shift
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" --addons-path="$paths" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" -d "$DB" \
        --stop-after-init --max-cron-threads=0 --http-port="$(free_port)" --log-level=warn "$@" >>"$LOG" 2>&1
}
free_port() { "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mark=0
set_mark() { mark=$(wc -l < "$LOG"); }
# Errors the server logged since set_mark: an upgrade or an install must log none
new_errors() { tail -n +"$((mark + 1))" "$LOG" | grep -E " (ERROR|CRITICAL) " | head -20; }
check() {  # check ACTION [FILE]
    ODOO_ARGS="--addons-path=$CORE_PATHS,$PROJECT_DIR --db_host=$PGHOST --db_port=$PGPORT --db_user=$PGUSER --log-level=warn" \
        ODOO_SRC="$ODOO_SRC" "$VENV/bin/python" tools/upgrade_check.py "$1" "$DB" "${2:-}" 2>>"$LOG"
}

step="install of $FROM with demo data"
createdb "$DB"
echo "test-upgrade: $step"
server "$CORE_PATHS,$WORK/old" -i warranty_service || die "$step failed, see $LOG"

step="recording the data"
ODOO_ARGS="--addons-path=$CORE_PATHS,$WORK/old --db_host=$PGHOST --db_port=$PGPORT --db_user=$PGUSER --log-level=warn" \
    ODOO_SRC="$ODOO_SRC" "$VENV/bin/python" tools/upgrade_check.py snapshot "$DB" "$WORK/before.json" 2>>"$LOG"

step="upgrade to the working tree (-u warranty_service)"
echo "test-upgrade: $step"
set_mark
server "$CORE_PATHS,$PROJECT_DIR" -u warranty_service || die "$step failed, see $LOG"
[ -z "$(new_errors)" ] || { new_errors; die "$step logged errors"; }

step="checking the data after the upgrade"
check compare "$WORK/before.json"

step="uninstall"
echo "test-upgrade: $step (button_immediate_uninstall)"
set_mark
check uninstall
# Odoo logs, and keeps, each demo record that core records still point at (a demo product in stock
# moves, a demo customer in journal entries): data, not the addon's schema, which the check covers
kept=$(tail -n +"$((mark + 1))" "$LOG" | grep -c "bad query: b'DELETE FROM" || true)
echo "test-upgrade: uninstall kept $kept demo records that core records still use (Odoo's rule)"

step="reinstall"
echo "test-upgrade: $step"
set_mark
server "$CORE_PATHS,$PROJECT_DIR" -i warranty_service || die "$step failed, see $LOG"
[ -z "$(new_errors)" ] || { new_errors; die "$step logged errors"; }
check installed
step="done"
