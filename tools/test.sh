#!/usr/bin/env bash
# make test: a throwaway database with warranty_service and its Odoo tests, then the
# top-level end-to-end tests against a server started for them. Ends with "N passed, N failed".
source "$(dirname "$0")/common.sh"
find_odoo
ensure_venv
ensure_postgres

DB="warranty_test_$$_$(date +%s)"
LOG_DIR="${TEST_LOG_DIR:-$PROJECT_DIR/.test-logs}"
mkdir -p "$LOG_DIR"
ODOO_LOG="$LOG_DIR/odoo-tests.log"
SERVER_LOG="$LOG_DIR/odoo-server.log"
E2E_XML="$LOG_DIR/e2e.xml"
SERVER_PID=""

free_port() { "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# TEST_DATE=YYYY-MM-DD runs the whole suite (Odoo tests, browser tours, server and end-to-end tests) with the
# clock of those processes moved to that day by libfaketime, to check that no test depends on today's date.
CLOCK=()
if [ -n "${TEST_DATE:-}" ]; then
    faketime_lib="$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n1)"
    [ -n "$faketime_lib" ] || die "TEST_DATE needs libfaketime (apt-get install faketime)."
    # env execs the program itself (the faketime wrapper would fork it), so the server's pid is the one
    # the cleanup stops
    CLOCK=(env "LD_PRELOAD=$faketime_lib" "FAKETIME=@$TEST_DATE 09:00:00")
    echo "warranty_service: running the tests as if today were $TEST_DATE"
fi

echo "warranty_service: installing into throwaway database $DB and running its Odoo tests"
createdb "$DB"
TEST_PORT="$(free_port)"
set +e
${CLOCK[@]+"${CLOCK[@]}"} "$VENV/bin/python" "$ODOO_SRC/odoo-bin" \
    --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR" \
    --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" \
    -d "$DB" -i warranty_service --test-enable --test-tags=/warranty_service \
    --stop-after-init --http-port="$TEST_PORT" --log-level=test --max-cron-threads=0 2>&1 | tee "$ODOO_LOG" \
    | grep -E --line-buffered " (ERROR|CRITICAL|WARNING) |odoo.tests.(result|stats)|tests when loading|FAIL:|ERROR:|post-tests|: skipped "
odoo_rc=${PIPESTATUS[0]}
set -e

read -r odoo_failed odoo_errors odoo_total < <(
    sed -nE "s/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests when loading database.*/\1 \2 \3/p" "$ODOO_LOG" | tail -n1
) || true
if [ -z "${odoo_total:-}" ]; then
    echo "warranty_service: the Odoo test run did not report its results (exit code $odoo_rc); see $ODOO_LOG" >&2
    tail -n 40 "$ODOO_LOG" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
# A skipped test tested nothing: without Chromium every browser tour would "pass". Skips are logged by
# Odoo's test result as "<test module>: skipped <test> : <reason>" (a class skipped in setUpClass, as the
# tours are without a browser, logs under unittest.suite); each one counts as a failure.
SKIP_RE=" INFO [^ ]+ [A-Za-z0-9_.]+: skipped .* : "
odoo_skipped="$(grep -cE "$SKIP_RE" "$ODOO_LOG" || true)"
if [ "$odoo_skipped" -gt 0 ]; then
    echo "warranty_service: $odoo_skipped Odoo test(s) skipped, counted as failed:" >&2
    grep -E "$SKIP_RE" "$ODOO_LOG" | sed -E 's/.*: skipped /  skipped /' >&2
fi
odoo_bad=$((odoo_failed + odoo_errors + odoo_skipped))
odoo_passed=$((odoo_total - odoo_failed - odoo_errors - odoo_skipped))
[ "$odoo_passed" -ge 0 ] || odoo_passed=0
# Install or post-install errors logged outside a test also fail the run
if [ "$odoo_rc" -ne 0 ] && [ "$odoo_bad" -eq 0 ]; then
    odoo_bad=1
fi
echo "warranty_service: Odoo tests: $odoo_passed passed, $odoo_bad failed (of $odoo_total)"

# Top-level end-to-end tests against a real server
E2E_PORT="$(free_port)"
${CLOCK[@]+"${CLOCK[@]}"} "$VENV/bin/python" "$ODOO_SRC/odoo-bin" \
    --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR" \
    --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" \
    -d "$DB" --db-filter="^$DB\$" --http-port="$E2E_PORT" --workers=0 --max-cron-threads=0 \
    --log-level=warn > "$SERVER_LOG" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
    if curl -sf -o /dev/null "http://127.0.0.1:$E2E_PORT/web/webclient/version_info" -H 'Content-Type: application/json' -d '{}'; then
        break
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 1
done
set +e
ODOO_URL="http://127.0.0.1:$E2E_PORT" ODOO_DB="$DB" ODOO_LOGIN=admin ODOO_PASSWORD=admin \
    ${CLOCK[@]+"${CLOCK[@]}"} "$VENV/bin/python" -m pytest "$PROJECT_DIR/tests" -q -p no:cacheprovider --junitxml="$E2E_XML"
pytest_rc=$?
set -e
read -r e2e_passed e2e_bad < <("$VENV/bin/python" - "$E2E_XML" <<'PY'
import sys
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print(0, 1)
    raise SystemExit
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
total = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
# A skipped end-to-end test is not a pass
print(total - bad - skipped, bad + skipped)
PY
)
if [ "$pytest_rc" -ne 0 ] && [ "$e2e_bad" -eq 0 ]; then
    e2e_bad=1
fi
echo "warranty_service: end-to-end tests: $e2e_passed passed, $e2e_bad failed"

# The Bulgarian dealer: l10n_bg and the bg_BG language installed into the same database once the suites above
# ran (they test the addon as a database without them gets it; l10n_bg's demo adds a company admin sees), then
# the tests tagged warranty_bg: the l10n_bg chart loaded on a new company after the addon, a claim to a paid
# invoice without settings, documents in the recipient's language, the workshop master's tour in Bulgarian.
# (-u warranty_service: Odoo runs the post-install tests of the modules installed or updated by the run.)
echo "warranty_service: installing l10n_bg and bg_BG, then running the Bulgarian tests"
if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
fi
SERVER_PID=""
BG_LOG="$LOG_DIR/odoo-tests-bg.log"
BG_PORT="$(free_port)"
set +e
${CLOCK[@]+"${CLOCK[@]}"} "$VENV/bin/python" "$ODOO_SRC/odoo-bin" \
    --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR" \
    --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" \
    -d "$DB" -i l10n_bg -u warranty_service --load-language=bg_BG --test-enable --test-tags=warranty_bg \
    --stop-after-init --http-port="$BG_PORT" --log-level=test --max-cron-threads=0 2>&1 | tee "$BG_LOG" \
    | grep -E --line-buffered " (ERROR|CRITICAL|WARNING) |odoo.tests.(result|stats)|tests when loading|FAIL:|ERROR:|post-tests|: skipped "
bg_rc=${PIPESTATUS[0]}
set -e
read -r bg_failed bg_errors bg_total < <(
    sed -nE "s/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests when loading database.*/\1 \2 \3/p" "$BG_LOG" | tail -n1
) || true
if [ -z "${bg_total:-}" ] || [ "$bg_total" -eq 0 ]; then
    echo "warranty_service: the Bulgarian tests did not run (exit code $bg_rc); see $BG_LOG" >&2
    bg_failed=1 bg_errors=0 bg_total=1
fi
bg_skipped="$(grep -cE "$SKIP_RE" "$BG_LOG" || true)"
bg_bad=$((bg_failed + bg_errors + bg_skipped))
if [ "$bg_rc" -ne 0 ] && [ "$bg_bad" -eq 0 ]; then
    bg_bad=1
fi
bg_passed=$((bg_total - bg_failed - bg_errors - bg_skipped))
[ "$bg_passed" -ge 0 ] || bg_passed=0
echo "warranty_service: Bulgarian tests: $bg_passed passed, $bg_bad failed (of $bg_total)"

passed=$((odoo_passed + e2e_passed + bg_passed))
failed=$((odoo_bad + e2e_bad + bg_bad))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
