#!/usr/bin/env bash
# Run Ringledger's Superset: setup (idempotent), start (background), stop.
#
#   scripts/superset.sh setup   secrets if missing, db upgrade, admin user with the password in use,
#                               init, import superset_assets/
#   scripts/superset.sh start   serve on 127.0.0.1:$SUPERSET_PORT, wait for /health
#   scripts/superset.sh stop    stop the server started by 'start' (no error if not running)
#   scripts/superset.sh login   print the admin login in use: "<user> / <password>"
#
# Secrets: setup writes a random SECRET_KEY to $SUPERSET_HOME/secret_key and a random admin password
# to $SUPERSET_HOME/admin_password (mode 0600, kept across restarts and setups) unless the environment
# gives them. superset_config.py refuses to start without a key, or with a public or short one.
#
# Environment (defaults in brackets):
#   SUPERSET_HOME            metadata DB, pid file, log        [<repo>/var/superset]
#   SUPERSET_PORT            port on 127.0.0.1                 [8088]
#   RINGLEDGER_PUBLISHED     folder with CURRENT + published DuckDB files [$RINGLEDGER_HOME/published,
#                            RINGLEDGER_HOME defaulting to <repo>/var, as in ingestion.config.settings]
#   SUPERSET_SECRET_KEY      signs session cookies; overrides the key file [$SUPERSET_HOME/secret_key]
#   SUPERSET_ADMIN_USER      admin login                        [admin]
#   SUPERSET_ADMIN_PASSWORD  admin password; overrides the file, and setup sets it on an existing
#                            admin                              [$SUPERSET_HOME/admin_password]
#   SUPERSET_VENV            Superset's own virtualenv          [<repo>/.venv-superset]
#   SUPERSET_WORKERS         gunicorn worker processes          [2]
#   SUPERSET_START_TIMEOUT   seconds to wait for /health        [240]
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASSETS_DIR="$REPO_ROOT/superset_assets"

export SUPERSET_HOME="${SUPERSET_HOME:-$REPO_ROOT/var/superset}"
export RINGLEDGER_PUBLISHED="${RINGLEDGER_PUBLISHED:-${RINGLEDGER_HOME:-$REPO_ROOT/var}/published}"
export SUPERSET_CONFIG_PATH="$ASSETS_DIR/superset_config.py"
SUPERSET_PORT="${SUPERSET_PORT:-8088}"
SUPERSET_ADMIN_USER="${SUPERSET_ADMIN_USER:-admin}"
SUPERSET_VENV="${SUPERSET_VENV:-$REPO_ROOT/.venv-superset}"
SUPERSET_WORKERS="${SUPERSET_WORKERS:-2}"
SUPERSET_START_TIMEOUT="${SUPERSET_START_TIMEOUT:-240}"

SUPERSET="$SUPERSET_VENV/bin/superset"
PID_FILE="$SUPERSET_HOME/superset.pid"
KEY_FILE="$SUPERSET_HOME/secret_key"  # the name superset_config.py reads
PASSWORD_FILE="$SUPERSET_HOME/admin_password"
LOG_FILE="$SUPERSET_HOME/superset.log"
URL="http://127.0.0.1:$SUPERSET_PORT"

say() { echo "superset.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

require_superset() {
    [[ -x "$SUPERSET" ]] || die "$SUPERSET not found; create Superset's virtualenv from requirements/superset.lock"
    mkdir -p "$SUPERSET_HOME"
}

ensure_secret_file() {
    # ensure_secret_file PATH BYTES: write a random URL-safe value of BYTES bytes to PATH if it has none.
    local path="$1"
    if [[ ! -s "$path" ]]; then
        (umask 077 && "$SUPERSET_VENV/bin/python" -c "import secrets; print(secrets.token_urlsafe($2))" \
            >"$path.partial") || die "cannot write $path"
        mv "$path.partial" "$path"
        say "generated $path"
    fi
    chmod 600 "$path"
}

admin_password() {
    # The admin password in use: SUPERSET_ADMIN_PASSWORD, else the generated file.
    if [[ -n "${SUPERSET_ADMIN_PASSWORD:-}" ]]; then
        echo "$SUPERSET_ADMIN_PASSWORD"
    elif [[ -s "$PASSWORD_FILE" ]]; then
        cat "$PASSWORD_FILE"
    else
        die "no admin password yet: run '$0 setup' (or set SUPERSET_ADMIN_PASSWORD)"
    fi
}

running_pid() {
    # The pid from the pid file, if that process is alive and is our gunicorn.
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    grep -q "gunicorn" "/proc/$pid/cmdline" 2>/dev/null || return 1
    echo "$pid"
}

import_assets() {
    local out
    # import-directory logs validation errors instead of failing, so check its
    # output and then check that the dashboard and every chart really exist.
    out="$("$SUPERSET" import-directory --overwrite "$ASSETS_DIR" 2>&1)" || {
        echo "$out" >&2
        die "importing $ASSETS_DIR failed"
    }
    if grep -qiE "an error occurred|Traceback" <<<"$out"; then
        echo "$out" >&2
        die "importing $ASSETS_DIR reported errors"
    fi
    local missing
    missing="$("$SUPERSET_VENV/bin/python" - "$SUPERSET_HOME/superset.db" "$ASSETS_DIR" <<'PY'
import sqlite3, sys, uuid
from pathlib import Path
import yaml
db, assets = sys.argv[1], Path(sys.argv[2])
wanted = {}
for dashboard in (assets / "dashboards").glob("*.yaml"):
    config = yaml.safe_load(dashboard.read_text())
    for node in config["position"].values():
        if isinstance(node, dict) and node.get("type") == "CHART":
            wanted[uuid.UUID(node["meta"]["uuid"]).hex] = (config["slug"], node["meta"]["sliceName"])
linked = {
    (slug, uuid_hex)
    for slug, uuid_hex in sqlite3.connect(db).execute(
        "SELECT d.slug, lower(hex(s.uuid)) FROM dashboards d"
        " JOIN dashboard_slices ds ON ds.dashboard_id = d.id JOIN slices s ON s.id = ds.slice_id"
    )
}
for uuid_hex, (slug, name) in wanted.items():
    if (slug, uuid_hex) not in linked:
        print(f"{slug}: {name}")
PY
)"
    [[ -z "$missing" ]] || die "after import these charts are not on their dashboards:"$'\n'"$missing"
    say "imported assets from $ASSETS_DIR"
}

cmd_setup() {
    require_superset
    say "upgrading metadata DB in $SUPERSET_HOME"
    [[ -n "${SUPERSET_SECRET_KEY:-}" ]] || ensure_secret_file "$KEY_FILE" 48
    [[ -n "${SUPERSET_ADMIN_PASSWORD:-}" ]] || ensure_secret_file "$PASSWORD_FILE" 18
    "$SUPERSET" db upgrade
    # The password goes through the environment, not the command line (visible to every local user).
    SUPERSET_ADMIN_USER="$SUPERSET_ADMIN_USER" SUPERSET_ADMIN_PASSWORD="$(admin_password)" \
        "$SUPERSET_VENV/bin/python" "$REPO_ROOT/scripts/superset_admin.py" >&2
    "$SUPERSET" init
    import_assets
}

cmd_start() {
    require_superset
    local pid
    if pid="$(running_pid)"; then
        say "already running (pid $pid)"
        echo "$URL"
        return 0
    fi
    say "starting on $URL (log: $LOG_FILE)"
    local log_from  # first byte this start writes to the log
    log_from=$(($(stat -c %s "$LOG_FILE" 2>/dev/null || echo 0) + 1))
    # setsid: own session, so the server outlives this shell and stops as a group.
    setsid "$SUPERSET_VENV/bin/gunicorn" \
        --bind "127.0.0.1:$SUPERSET_PORT" \
        --workers "$SUPERSET_WORKERS" --worker-class gthread --threads 4 \
        --timeout 180 --graceful-timeout 20 \
        --limit-request-line 0 --limit-request-field_size 0 \
        "superset.app:create_app()" >>"$LOG_FILE" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PID_FILE"
    local deadline=$((SECONDS + SUPERSET_START_TIMEOUT))
    until curl -fsS "$URL/health" >/dev/null 2>&1; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -c "+$log_from" "$LOG_FILE" | tail -n 40 >&2 || true
            rm -f "$PID_FILE"
            local refusal  # superset_config.py's own reason, e.g. no or a publicly known SECRET_KEY
            refusal="$(tail -c "+$log_from" "$LOG_FILE" | sed -n 's/^.*InsecureSecretKey: //p' | head -n 1)"
            die "${refusal:-server exited during start-up}; see $LOG_FILE"
        fi
        if ((SECONDS >= deadline)); then
            tail -c "+$log_from" "$LOG_FILE" | tail -n 40 >&2 || true
            die "no answer from $URL/health after ${SUPERSET_START_TIMEOUT}s; still starting? see $LOG_FILE"
        fi
        sleep 1
    done
    say "ready (pid $pid)"
    echo "$URL"
}

cmd_stop() {
    local pid
    if ! pid="$(running_pid)"; then
        rm -f "$PID_FILE"
        say "not running"
        return 0
    fi
    kill -TERM "$pid"
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "pid $pid did not stop after 30s; killing its process group"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
    fi
    rm -f "$PID_FILE"
    say "stopped (pid $pid)"
}

case "${1:-}" in
    setup) cmd_setup ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    login) echo "$SUPERSET_ADMIN_USER / $(admin_password)" ;;
    *)
        echo "usage: $0 {setup|start|stop|login}" >&2
        exit 2
        ;;
esac
