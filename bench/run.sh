#!/usr/bin/env bash
# make bench [QUICK=1]: build two databases (core repair/sale_stock/purchase_stock/account, and the
# same plus warranty_service), run every scenario of bench/bench.py on them, print the table and
# write it as JSON under bench/results/. The databases are dropped at the end (KEEP_DB=1 keeps them).
source "$(dirname "$0")/../tools/common.sh"
find_odoo
ensure_venv
ensure_postgres

MODE=full
QUICK_FLAG=()
if [ -n "${QUICK:-}" ] && [ "${QUICK}" != 0 ]; then MODE=quick; QUICK_FLAG=(--quick); fi
STAMP="$$_$(date +%s)"
CORE_DB="${BENCH_CORE_DB:-wsbench_core_$STAMP}"
ADDON_DB="${BENCH_ADDON_DB:-wsbench_addon_$STAMP}"
RESULTS="$PROJECT_DIR/bench/results"
LOG="$RESULTS/odoo-$STAMP.log"
SERVER_PID=""
mkdir -p "$RESULTS"
rm -f "$RESULTS"/partial-*.json

free_port() { "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ -z "${KEEP_DB:-}" ] && [ -z "${BENCH_CORE_DB:-}" ]; then
        dropdb --if-exists "$CORE_DB" >/dev/null 2>&1 || true
        dropdb --if-exists "$ADDON_DB" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

ODOO_ARGS="--addons-path=$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR --db_host=$PGHOST --db_port=$PGPORT --db_user=$PGUSER --log-level=warn"
bench() { "$VENV/bin/python" "$PROJECT_DIR/bench/bench.py" --core "$CORE_DB" --addon "$ADDON_DB" \
    --odoo-args "$ODOO_ARGS" "${QUICK_FLAG[@]}" "$@"; }

started=$(date +%s)
echo "bench ($MODE): databases $CORE_DB and $ADDON_DB (Odoo log: $LOG)"
if [ -z "${BENCH_CORE_DB:-}" ]; then
    # Same modules and settings in both: the addon database is a copy of the core one plus warranty_service
    createdb "$CORE_DB"
    odoo_bin -d "$CORE_DB" -i repair,sale_stock,purchase_stock,account --without-demo=all --stop-after-init \
        --http-port="$(free_port)" --max-cron-threads=0 --log-level=warn >>"$LOG" 2>&1 || die "core install failed, see $LOG"
    createdb -T "$CORE_DB" "$ADDON_DB"
    odoo_bin -d "$ADDON_DB" -i warranty_service --without-demo=all --stop-after-init \
        --http-port="$(free_port)" --max-cron-threads=0 --log-level=warn >>"$LOG" 2>&1 || die "addon install failed, see $LOG"
    echo "bench: databases ready in $(( $(date +%s) - started )) s"
fi

for scenario in 1 2 fill; do
    echo "bench: scenario $scenario"
    bench --scenario "$scenario" 2>>"$LOG"
done

# Scenario 3 also measures XML-RPC against a server with 2 workers
RPC_PORT="$(free_port)"
# Started without the odoo_bin function, so that $! is the server itself and stopping it stops its workers
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR" \
    --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" \
    -d "$ADDON_DB" --db-filter="^$ADDON_DB\$" --workers=2 --max-cron-threads=0 --http-port="$RPC_PORT" \
    --gevent-port="$(free_port)" --limit-time-real=600 --limit-time-cpu=600 --log-level=warn >>"$LOG" 2>&1 &
SERVER_PID=$!
echo "bench: scenario 3"
bench --scenario 3 --rpc-port "$RPC_PORT" 2>>"$LOG"
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""

for scenario in 4 5 6 7 8; do
    echo "bench: scenario $scenario"
    bench --scenario "$scenario" 2>>"$LOG"
done

echo
echo "bench ($MODE) on $(nproc) CPUs, $(uname -srm), in $(( $(date +%s) - started )) s:"
"$VENV/bin/python" "$PROJECT_DIR/bench/bench.py" --report "${QUICK_FLAG[@]}"
