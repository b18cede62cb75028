"""Which day groups of the call marts the builds since a publish rebuilt, read from dbt's log.

dbt's ``int_rebuild_scope_log`` numbers every build and lists the (source_name, call_date_local)
groups it rebuilt in the models incremental by that scope (``SCOPED_TABLES`` among the marts); a
build that may have rebuilt more (the first one, a full refresh) logs ``everything`` instead. A
published copy records the last build it has consumed; the next publish hashes, on the warehouse
side, only those tables' groups logged after it, and trusts the stored fingerprints of the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

LOG = "int_rebuild_scope_log"
LOG_SCHEMA = "intermediate"
# The marts incremental by the scope (macros/rebuild_scope.sql: incremental_by_rebuild_scope); a
# test keeps this list equal to theirs. fct_missed_calls rebuilds a window of days around the
# scope, by site: it is compared whole.
SCOPED_TABLES = frozenset({"fct_calls", "fct_call_legs", "fct_inbound_service", "fct_call_cost_allocation"})
REBUILT = "_rebuilt_groups"  # temp: the groups logged after the published copy's position
_RELATION = f"warehouse.{LOG_SCHEMA}.{LOG}"


@dataclass(frozen=True)
class Position:
    """A build in the log: its number and dbt's invocation id (which tells a recreated log)."""

    build_id: int
    invocation_id: str


def latest(con: duckdb.DuckDBPyConnection) -> Position | None:
    """The attached warehouse's last logged build, or None when it has no log (or an empty one)."""
    present = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'warehouse' "
        "AND schema_name = ? AND table_name = ?",
        [LOG_SCHEMA, LOG],
    ).fetchall()[0][0]
    if not present:
        return None
    rows = con.execute(
        f"SELECT build_id, invocation_id FROM {_RELATION} ORDER BY build_id DESC LIMIT 1"
    ).fetchall()
    return Position(int(rows[0][0]), rows[0][1]) if rows else None


def load_rebuilt_since(
    con: duckdb.DuckDBPyConnection, position: Position | None, last: Position | None
) -> bool:
    """Put the groups logged after ``position`` (up to ``last``) in the temp table ``REBUILT``.

    False when the log cannot say what changed: no log or no position, a log that no longer holds
    the position's build (dropped and built again), or an ``everything`` entry since.
    """
    if position is None or last is None or last.build_id < position.build_id:
        return False
    held = con.execute(
        f"SELECT count(*) FROM {_RELATION} WHERE build_id = ? AND invocation_id = ?",
        [position.build_id, position.invocation_id],
    ).fetchall()[0][0]
    if not held:
        return False
    since = "build_id > ? AND build_id <= ?"
    (everything,) = con.execute(
        f"SELECT count(*) FROM {_RELATION} WHERE {since} AND entry = 'everything'",
        [position.build_id, last.build_id],
    ).fetchall()[0]
    if everything:
        return False
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {REBUILT} AS SELECT DISTINCT source_name, call_date_local "
        f"FROM {_RELATION} WHERE {since} AND entry = 'group'",
        [position.build_id, last.build_id],
    )
    return True


def published_position(con: duckdb.DuckDBPyConnection) -> Position | None:
    """The last build the open published copy has consumed, or None (none recorded, an older copy)."""
    columns = {
        name
        for (name,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND table_name = '_publication'"
        ).fetchall()
    }
    if not {"scope_build_id", "scope_invocation_id"} <= columns:
        return None
    rows = con.execute("SELECT scope_build_id, scope_invocation_id FROM main._publication").fetchall()
    if not rows or rows[0][0] is None:
        return None
    return Position(int(rows[0][0]), rows[0][1])
