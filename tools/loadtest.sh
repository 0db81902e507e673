#!/usr/bin/env bash
# make loadtest [QUICK=1] [REPLICA=1]: a busy hour of a dealer group on Odoo's multi-process server.
#
# Creates a database with warranty_service and its demo data, users of every role and the fixtures of
# bench/load/setup_data.py; starts Odoo in prefork mode (--workers, one cron worker, on loopback, in
# proxy mode); drives it with locust (requirements-load.txt, in .venv-load) over JSON-RPC as the web
# client does (bench/load/locustfile.py), ramping the users up; prints the table and writes it into
# bench/README.md. REPLICA=1 runs the same mix a second time with a streaming standby on 127.0.0.1:55433
# (pg_basebackup -R, data in .pgreplica/) given to Odoo as --db_replica_host/--db_replica_port, and
# reports what the standby served beside the single-database run.
#
# Settings (environment): LOAD_WORKERS, LOAD_START_USERS, LOAD_USERS, LOAD_RAMP, LOAD_HOLD (seconds),
# LOAD_DB (reuse a database set up by an earlier run, kept), KEEP_DB=1, LOAD_PORT.
source "$(dirname "$0")/common.sh"
find_odoo
ensure_venv
ensure_postgres
cd "$PROJECT_DIR"

LOAD_VENV="${LOAD_VENV:-$PROJECT_DIR/.venv-load}"
if [ -n "${QUICK:-}" ] && [ "${QUICK}" != 0 ]; then
    MODE=quick; : "${LOAD_WORKERS:=2}" "${LOAD_START_USERS:=4}" "${LOAD_USERS:=12}" "${LOAD_RAMP:=40}" "${LOAD_HOLD:=50}"
else
    MODE=full; : "${LOAD_WORKERS:=4}" "${LOAD_START_USERS:=10}" "${LOAD_USERS:=50}" "${LOAD_RAMP:=120}" "${LOAD_HOLD:=180}"
fi
export LOAD_START_USERS LOAD_USERS LOAD_RAMP LOAD_HOLD
DB="${LOAD_DB:-wsload_$$_$(date +%s)}"
free_port() { "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT="${LOAD_PORT:-$(free_port)}"
GEVENT_PORT="$(free_port)"
REPLICA_PORT="${LOAD_REPLICA_PORT:-55433}"
REPLICA_DIR="${LOAD_REPLICA_DIR:-$PROJECT_DIR/.pgreplica}"
OUT="$PROJECT_DIR/bench/results/load-$(date +%Y%m%d-%H%M%S)"
LOG="$OUT/odoo.log"
mkdir -p "$OUT"
SERVER_PID=""
STANDBY=""
started=$(date +%s)

stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
stop_standby() {
    if [ -n "$STANDBY" ]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null 2>&1 || true
        STANDBY=""
    fi
}
cleanup() {
    local status=$?
    stop_server
    stop_standby
    if [ -z "${LOAD_DB:-}" ] && [ -z "${KEEP_DB:-}" ]; then
        dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    fi
    [ "$status" -eq 0 ] || echo "loadtest: FAILED (exit $status), logs in $OUT" >&2
}
trap cleanup EXIT

# The load driver's own environment
stamp="$LOAD_VENV/.warranty_service-load.stamp"
wanted="$(sha1sum < requirements-load.txt | cut -c1-40)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ] || [ ! -x "$LOAD_VENV/bin/locust" ]; then
    echo "loadtest: installing requirements-load.txt into $LOAD_VENV"
    [ -x "$LOAD_VENV/bin/python" ] || "$PYTHON_BIN" -m venv "$LOAD_VENV"
    "$LOAD_VENV/bin/python" -m pip --quiet install -r requirements-load.txt 2>&1 | grep -v "is ignored" || true
    [ -x "$LOAD_VENV/bin/locust" ] || die "locust did not install into $LOAD_VENV"
    echo "$wanted" > "$stamp"
fi

ODOO_ARGS="--addons-path=$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR --db_host=$PGHOST --db_port=$PGPORT --db_user=$PGUSER --log-level=warn"
export ODOO_ARGS ODOO_SRC
echo "loadtest ($MODE): database $DB, $LOAD_WORKERS workers, $LOAD_START_USERS -> $LOAD_USERS users over ${LOAD_RAMP}s, then ${LOAD_HOLD}s; results in $OUT"
if [ -z "${LOAD_DB:-}" ] || ! psql -d "$DB" -Atc "SELECT 1 FROM ir_module_module WHERE name = 'warranty_service' AND state = 'installed'" 2>/dev/null | grep -q 1; then
    createdb "$DB" 2>/dev/null || true
    echo "loadtest: installing warranty_service with its demo data"
    odoo_bin -d "$DB" -i warranty_service --stop-after-init --max-cron-threads=0 --http-port="$PORT" \
        --log-level=warn >>"$LOG" 2>&1 || die "install failed, see $LOG"
fi
FIXTURES="$PROJECT_DIR/bench/results/load-fixtures-$DB.json"
"$VENV/bin/python" bench/load/setup_data.py "$DB" "$FIXTURES" "$LOAD_USERS" 2>>"$LOG" || die "setup failed, see $LOG"
psql -d "$DB" -qc "VACUUM ANALYZE" >/dev/null

start_server() {  # start_server LOGFILE [extra Odoo options]
    local logfile="$1"; shift
    # Started without odoo_bin so that $! is the server itself: stopping it stops its workers
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" -d "$DB" --db-filter="^$DB\$" \
        --workers="$LOAD_WORKERS" --max-cron-threads=1 --http-interface=127.0.0.1 --http-port="$PORT" \
        --gevent-port="$GEVENT_PORT" --proxy-mode --limit-time-real=300 --limit-time-cpu=120 \
        --limit-memory-soft=$((1536 * 1024 * 1024)) --limit-memory-hard=$((2560 * 1024 * 1024)) \
        --db_maxconn=32 --log-level=info "$@" >"$logfile" 2>&1 &
    SERVER_PID=$!
    for _i in $(seq 1 120); do
        if curl -fs -o /dev/null "http://127.0.0.1:$PORT/web/login?db=$DB"; then
            # Each worker loads the registry on its first request: warm them before measuring
            for _j in $(seq 1 $((LOAD_WORKERS * 3))); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/web/login" || true; done
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || die "Odoo stopped at start, see $logfile"
        sleep 1
    done
    die "Odoo did not answer on port $PORT, see $logfile"
}

db_counters() {  # db_counters PORT -> "transactions rows_returned rows_fetched" of the database
    psql -h 127.0.0.1 -p "$1" -d "$DB" -Atc \
        "SELECT xact_commit + xact_rollback, tup_returned, tup_fetched FROM pg_stat_database WHERE datname = current_database()"
}

run_locust() {  # run_locust LABEL
    local label="$1"
    echo "loadtest: $label run ($(( LOAD_RAMP + LOAD_HOLD )) s)"
    LOAD_DB="$DB" LOAD_FIXTURES="$FIXTURES" LOAD_REFUSALS="$OUT/$label-refusals.json" \
        "$LOAD_VENV/bin/locust" -f bench/load/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
        --csv "$OUT/$label" --only-summary --loglevel WARNING --logfile "$OUT/$label-locust.log" \
        >"$OUT/$label-locust.out" 2>&1 || true
    [ -f "$OUT/${label}_stats.csv" ] || die "locust wrote no statistics, see $OUT/$label-locust.out"
}

# ---- single database
start_server "$OUT/odoo-single.log"
before=$(db_counters "$PGPORT")
run_locust single
after=$(db_counters "$PGPORT")
stop_server
retries=$(grep -c "tries left, try again" "$OUT/odoo-single.log" || true)
echo "{\"primary_before\": \"$before\", \"primary_after\": \"$after\", \"retries\": $retries}" > "$OUT/single-db.json"

# ---- with a streaming standby as Odoo's read replica
if [ -n "${REPLICA:-}" ] && [ "${REPLICA}" != 0 ]; then
    # The server's own binaries (Debian puts pg_ctl only in /usr/lib/postgresql/<major>/bin)
    major=$(psql -d "$DB" -Atc "SELECT current_setting('server_version_num')::int / 10000")
    PG_BIN="/usr/lib/postgresql/$major/bin"
    [ -x "$PG_BIN/pg_ctl" ] || PG_BIN="$(dirname "$(command -v pg_ctl || echo /usr/bin/pg_ctl)")"
    [ -x "$PG_BIN/pg_ctl" ] && [ -x "$PG_BIN/pg_basebackup" ] || die "pg_ctl and pg_basebackup of PostgreSQL $major not found"
    id postgres >/dev/null 2>&1 || die "the standby runs as the 'postgres' system user (PostgreSQL refuses root), which is missing"
    # pg_basebackup needs a 'replication' line in the primary's pg_hba.conf for 127.0.0.1
    if ! psql -d "$DB" -Atc "SELECT 1 FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND type = 'host'
            AND (address IS NULL OR address = '127.0.0.1' OR address = 'all')" | grep -q 1; then
        hba="$(psql -d "$DB" -Atc 'SHOW hba_file')"
        [ -w "$hba" ] || die "PostgreSQL's $hba allows no replication from 127.0.0.1; add: host replication postgres 127.0.0.1/32 trust"
        echo "loadtest: allowing replication from 127.0.0.1 for user postgres in $hba (then reloading)"
        echo "host replication postgres 127.0.0.1/32 trust  # added by warranty_service make loadtest REPLICA=1" >> "$hba"
        psql -d "$DB" -Atc "SELECT pg_reload_conf()" >/dev/null
        sleep 1
    fi
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$REPLICA_DIR"
    mkdir -p "$REPLICA_DIR" && chown postgres "$REPLICA_DIR" && chmod 700 "$REPLICA_DIR"
    echo "loadtest: copying the primary into a standby (pg_basebackup -R) in $REPLICA_DIR"
    runuser -u postgres -- "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PGPORT" -U postgres -D "$REPLICA_DIR" \
        -R -X stream -c fast >>"$LOG" 2>&1 || die "pg_basebackup failed, see $LOG"
    # A Debian cluster keeps postgresql.conf and pg_hba.conf in /etc, which pg_basebackup does not copy:
    # the standby gets its own (loopback only); standby.signal and primary_conninfo come from -R
    [ -f "$REPLICA_DIR/postgresql.conf" ] && mv "$REPLICA_DIR/postgresql.conf" "$REPLICA_DIR/postgresql.conf.primary"
    cat > "$REPLICA_DIR/postgresql.conf" <<CONF
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$REPLICA_DIR'
hot_standby = on
max_connections = 100
shared_buffers = 256MB
hba_file = '$REPLICA_DIR/pg_hba.conf'
ident_file = '$REPLICA_DIR/pg_ident.conf'
# At its first start the copy is synced to disk: one syncfs per file system, not an fsync per file
recovery_init_sync_method = syncfs
CONF
    touch "$REPLICA_DIR/pg_ident.conf" && chown postgres "$REPLICA_DIR/pg_ident.conf"
    printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' > "$REPLICA_DIR/pg_hba.conf"
    chown postgres "$REPLICA_DIR/postgresql.conf" "$REPLICA_DIR/pg_hba.conf"
    STANDBY=1  # from here on, stopped at exit whatever happens
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR/standby.log" -w -t 900 start >/dev/null \
        || die "the standby did not start, see $REPLICA_DIR/standby.log"
    [ "$(psql -h 127.0.0.1 -p "$REPLICA_PORT" -d "$DB" -Atc 'SELECT pg_is_in_recovery()')" = t ] \
        || die "the server on $REPLICA_PORT is not a standby"
    start_server "$OUT/odoo-replica.log" --db_replica_host=127.0.0.1 --db_replica_port="$REPLICA_PORT"
    before=$(db_counters "$PGPORT"); standby_before=$(db_counters "$REPLICA_PORT")
    # What the standby serves, sampled during the run: Odoo's connections to it
    ( while kill -0 "$SERVER_PID" 2>/dev/null; do
        psql -h 127.0.0.1 -p "$REPLICA_PORT" -d "$DB" -Atc \
            "SELECT count(*) FILTER (WHERE state = 'active'), count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" \
            2>/dev/null; sleep 5; done ) > "$OUT/replica-activity.txt" &
    sampler=$!
    run_locust replica
    after=$(db_counters "$PGPORT"); standby_after=$(db_counters "$REPLICA_PORT")
    lag=$(psql -d "$DB" -Atc "SELECT COALESCE(max(replay_lag)::text, '0') FROM pg_stat_replication")
    stop_server
    kill "$sampler" 2>/dev/null || true
    retries=$(grep -c "tries left, try again" "$OUT/odoo-replica.log" || true)
    echo "{\"primary_before\": \"$before\", \"primary_after\": \"$after\", \"standby_before\": \"$standby_before\", \"standby_after\": \"$standby_after\", \"retries\": $retries, \"replay_lag\": \"$lag\"}" > "$OUT/replica-db.json"
    stop_standby
fi

"$VENV/bin/python" bench/load/report.py "$OUT" --mode "$MODE" --workers "$LOAD_WORKERS" \
    --users "$LOAD_START_USERS-$LOAD_USERS" --seconds "$(( LOAD_RAMP + LOAD_HOLD ))" \
    --readme "$PROJECT_DIR/bench/README.md"
echo "loadtest ($MODE): done in $(( $(date +%s) - started )) s"
