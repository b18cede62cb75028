"""The call-level tables are stored in local-day order, so a build that rebuilds a few days reads a few
row groups (macros/rebuild_scope.sql: clustered_by_call_day)."""

from __future__ import annotations

import duckdb

from ingestion.config.settings import Settings

# Bookkeeping of the scope itself, not call-level data.
NOT_CALL_LEVEL = ("int_rebuild_scope", "int_rebuild_scope_log")


def _call_level_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The warehouse tables keyed by (source_name, call_date_local), as schema.table."""
    rows = con.execute(
        "SELECT table_schema || '.' || table_name FROM information_schema.columns"
        " WHERE table_schema IN ('intermediate', 'marts')"
        " AND column_name IN ('source_name', 'call_date_local')"
        " GROUP BY table_schema, table_name HAVING count(*) = 2 ORDER BY 1"
    ).fetchall()
    return [name for (name,) in rows if name.split(".")[1] not in NOT_CALL_LEVEL]


def test_a_first_build_writes_every_call_level_table_in_day_order(tiny_clean_run: Settings) -> None:
    with duckdb.connect(str(tiny_clean_run.warehouse_path), read_only=True) as con:
        tables = _call_level_tables(con)
        assert {"marts.fct_calls", "marts.fct_call_legs", "intermediate.int_call_legs_unioned"} <= set(tables)
        (days,) = con.execute("SELECT count(DISTINCT call_date_local) FROM marts.fct_calls").fetchone()
        assert days >= 2, "the tiny company must span days for the order to mean anything"
        out_of_order = {
            table: con.execute(
                "SELECT count(*) FROM (SELECT call_date_local, lag(call_date_local) OVER (ORDER BY rowid)"
                f" AS before FROM {table}) WHERE call_date_local < before"
            ).fetchone()[0]
            for table in tables
        }
    assert out_of_order == dict.fromkeys(tables, 0)
