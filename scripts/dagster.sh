#!/usr/bin/env bash
# Run the Dagster UI (and daemon) for Ringledger in the background: start | stop.
#
# Environment (defaults in brackets):
#   DAGSTER_HOME   run history and instance settings   [<repo>/var/dagster]
#   DAGSTER_PORT   port on 127.0.0.1                   [3000]
#   RINGLEDGER_*   locations, as for 'ringledger paths'
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DAGSTER_HOME="${DAGSTER_HOME:-$REPO_ROOT/var/dagster}"
DAGSTER_PORT="${DAGSTER_PORT:-3000}"
DAGSTER="$REPO_ROOT/.venv/bin/dagster"
PID_FILE="$DAGSTER_HOME/dagster-dev.pid"
LOG_FILE="$DAGSTER_HOME/dagster-dev.log"
URL="http://127.0.0.1:$DAGSTER_PORT"

say() { echo "dagster.sh: $*" >&2; }

running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

start() {
    # DAGSTER_HOME and its dagster.yaml (written when missing), as the command line prepares them
    (cd "$REPO_ROOT" && .venv/bin/python -m orchestration.instance >/dev/null)
    if pid="$(running_pid)"; then
        say "already running (pid $pid) at $URL"
        return 0
    fi
    cd "$REPO_ROOT"
    # setsid: the server leads its own process group, so stop can end its children too.
    PATH="$REPO_ROOT/.venv/bin:$PATH" setsid "$DAGSTER" dev -h 127.0.0.1 -p "$DAGSTER_PORT" \
        -m orchestration.definitions >"$LOG_FILE" 2>&1 < /dev/null &
    echo $! >"$PID_FILE"
    for _ in $(seq 1 120); do
        if curl -fsS "$URL/server_info" >/dev/null 2>&1; then
            say "Dagster UI at $URL (log: $LOG_FILE)"
            return 0
        fi
        running_pid >/dev/null || { say "error: Dagster exited; see $LOG_FILE"; tail -n 20 "$LOG_FILE" >&2; exit 1; }
        sleep 1
    done
    say "error: Dagster did not answer at $URL within 120 s; see $LOG_FILE"
    exit 1
}

stop() {
    if pid="$(running_pid)"; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 30); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 1
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
        say "stopped"
    fi
    rm -f "$PID_FILE"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
