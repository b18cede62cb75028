"""What a published copy holds, to compare two copies: every table's columns and rows."""

from __future__ import annotations

from pathlib import Path

import duckdb


def published_content(path: Path) -> dict[str, tuple]:
    """Every table but the version row: its columns with types in order, row count, order-independent hash."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {
            table: (
                con.execute(
                    "SELECT list(column_name || ' ' || data_type ORDER BY column_index) "
                    "FROM duckdb_columns() WHERE table_name = ?",
                    [table],
                ).fetchone(),
                con.execute(
                    "SELECT count(*), md5(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)) "
                    f'FROM "{table}" t'
                ).fetchone(),
            )
            for table in tables
            if table != "_publication"
        }
    finally:
        con.close()
