# Shared by tools/*.sh: locate Odoo, the virtual environment and PostgreSQL.
# shellcheck shell=bash
set -euo pipefail

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$PROJECT_DIR/.venv}"
PYTHON_BIN="${PYTHON:-python3}"

die() { echo "warranty_service: $*" >&2; exit 1; }

find_odoo() {
    local candidate
    for candidate in "${ODOO_SRC:-}" /opt/odoo "$PROJECT_DIR/../odoo"; do
        if [ -n "$candidate" ] && [ -f "$candidate/odoo-bin" ] && [ -d "$candidate/odoo/addons" ]; then
            ODOO_SRC="$(cd "$candidate" && pwd)"
            export ODOO_SRC
            return 0
        fi
    done
    cat >&2 <<MSG
warranty_service: no Odoo 18.0 source tree found.
  Looked in: \$ODOO_SRC (${ODOO_SRC:-unset}), /opt/odoo, $PROJECT_DIR/../odoo
  Odoo is the host of this addon, not a Python package. Get the upstream 18.0 branch:
      git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git /opt/odoo
  or point ODOO_SRC at an existing checkout:  ODOO_SRC=/path/to/odoo make ...
MSG
    exit 2
}

# pip, without the warnings about package locations configured on this machine but absent
quiet_pip() {
    local status
    set +o pipefail
    "$VENV/bin/python" -m pip --quiet "$@" 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
    status=${PIPESTATUS[0]}
    set -o pipefail
    [ "$status" -eq 0 ] || die "pip $1 failed (exit $status)"
}

ensure_venv() {
    local stamp="$VENV/.warranty_service.stamp" wanted
    wanted="$(cat "$ODOO_SRC/requirements.txt" "$PROJECT_DIR/requirements.txt" "$PROJECT_DIR/tools/odoo_requirements.py" | sha1sum | cut -c1-40)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x "$VENV/bin/python" ]; then
        return 0
    fi
    command -v pg_config >/dev/null || die "pg_config is missing: psycopg2 builds from source and needs libpq-dev (apt-get install libpq-dev libldap2-dev libsasl2-dev)."
    [ -x "$VENV/bin/python" ] || "$PYTHON_BIN" -m venv "$VENV"
    echo "warranty_service: installing Odoo's and our Python requirements into $VENV"
    quiet_pip install --upgrade pip wheel setuptools
    "$VENV/bin/python" "$PROJECT_DIR/tools/odoo_requirements.py" "$ODOO_SRC/requirements.txt" > "$VENV/odoo-requirements.txt"
    quiet_pip install -r "$VENV/odoo-requirements.txt" -r "$PROJECT_DIR/requirements.txt"
    echo "$wanted" > "$stamp"
}

# The lint tools of requirements-lint.txt in the same virtual environment; they need neither
# Odoo nor PostgreSQL, so `make lint` works before `make run` or `make test` built the rest.
ensure_lint_tools() {
    local stamp="$VENV/.warranty_service-lint.stamp" wanted
    wanted="$(sha1sum < "$PROJECT_DIR/requirements-lint.txt" | cut -c1-40)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x "$VENV/bin/pylint" ] && [ -x "$VENV/bin/ruff" ]; then
        return 0
    fi
    [ -x "$VENV/bin/python" ] || "$PYTHON_BIN" -m venv "$VENV"
    echo "warranty_service: installing the lint tools (requirements-lint.txt) into $VENV"
    quiet_pip install -r "$PROJECT_DIR/requirements-lint.txt"
    echo "$wanted" > "$stamp"
}

# PostgreSQL: the PG* variables when set, else 127.0.0.1:5432; where nothing
# answers, a private cluster under the project started with initdb/pg_ctl.
ensure_postgres() {
    export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-$(id -un)}"
    if pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
        return 0
    fi
    local pgdata="$PROJECT_DIR/.pgdata" initdb pg_ctl bindir
    initdb="$(command -v initdb || true)"
    if [ -z "$initdb" ]; then
        bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
        initdb="$bindir/initdb"
    fi
    [ -x "$initdb" ] || die "no PostgreSQL answers on $PGHOST:$PGPORT and initdb is not installed (apt-get install postgresql)."
    pg_ctl="$(dirname "$initdb")/pg_ctl"
    export PGHOST="$pgdata" PGPORT=5433
    if [ ! -f "$pgdata/PG_VERSION" ]; then
        echo "warranty_service: starting a private PostgreSQL cluster in $pgdata"
        local owner=()
        if [ "$(id -u)" = 0 ]; then
            # initdb refuses to run as root: the private cluster belongs to nobody-like user postgres
            id postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' system user for a private cluster."
            mkdir -p "$pgdata" && chown postgres "$pgdata" "$PROJECT_DIR"
            owner=(runuser -u postgres --)
        fi
        "${owner[@]}" "$initdb" -D "$pgdata" -A trust -U "$PGUSER" >/dev/null
    fi
    local owner=()
    [ "$(id -u)" = 0 ] && owner=(runuser -u postgres --)
    "${owner[@]}" "$pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w \
        -o "-p $PGPORT -k $pgdata -c listen_addresses=''" start >/dev/null
}

odoo_bin() {
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" \
        --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_DIR" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" "$@"
}
