"""Fingerprints that tell which published tables, and which day groups of the call marts, changed.

A fingerprint is a row count and the sum of DuckDB's 64-bit ``hash`` of every row: order does not
count, every value does. Tables with a ``source_name VARCHAR`` and a ``call_date_local DATE`` column
(the call-level marts) are fingerprinted per (source_name, call_date_local) group, so a publish can
replace only the groups that differ. The published side's fingerprints are stored in the published
file (``_publication_tables``, ``_publication_groups``). The warehouse side is hashed whole, or for a
table incremental by dbt's rebuild scope only in the groups rebuilt since the last publish
(``rebuild_log``), the stored fingerprints of the others standing for them.
``hash`` may change between DuckDB releases, so the stored ones count only under the same release.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

DAY_KEY = "call_date_local"
GROUP_KEYS = {"source_name": "VARCHAR", DAY_KEY: "DATE"}
TABLES = "_publication_tables"
GROUPS = "_publication_groups"
STATE_PREFIX = "_publication"
FINGERPRINT_KIND = f"sum(hash(row)), duckdb {duckdb.__version__}"
_WAREHOUSE_GROUPS = "_warehouse_groups"  # temp: the warehouse table's groups being compared
_CHANGED = "_changed_groups"  # temp: groups that differ, and whether the warehouse still has them
Columns = tuple[tuple[str, str], ...]  # (name, type) in order
_ROW = "_fingerprint_row"  # the alias whose hash is a row's (a column of that name would shadow it)
_SAME_GROUP = " AND ".join(f"{{a}}.{key} IS NOT DISTINCT FROM {{b}}.{key}" for key in GROUP_KEYS)


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def same_group(a: str, b: str) -> str:
    """SQL condition: rows ``a`` and ``b`` are in the same (source_name, call_date_local) group."""
    return _SAME_GROUP.format(a=a, b=b)


@dataclass(frozen=True)
class Fingerprint:
    rows: int
    hash_sum: int


@dataclass(frozen=True)
class WarehouseTable:
    """A table to publish: where it is, its columns with types in order, whether it has day groups."""

    schema: str
    name: str
    columns: Columns
    grouped: bool

    @property
    def relation(self) -> str:
        return f"warehouse.{ident(self.schema)}.{ident(self.name)}"


@dataclass(frozen=True)
class GroupChanges:
    """The groups of one table that differ: rewritten (still in the warehouse) and deleted (gone)."""

    rewritten: int
    deleted: int
    warehouse_rows: int


def _columns(
    con: duckdb.DuckDBPyConnection, database: str, schemas: list[str]
) -> list[tuple[str, str, Columns]]:
    rows = con.execute(
        "SELECT c.schema_name, c.table_name, list(c.column_name ORDER BY c.column_index), "
        "list(c.data_type ORDER BY c.column_index) FROM duckdb_columns() c "
        "JOIN duckdb_tables() t USING (database_name, schema_name, table_name) "
        "WHERE c.database_name = ? AND list_contains(?, c.schema_name) GROUP BY 1, 2 ORDER BY 2",
        [database, schemas],
    ).fetchall()
    return [(schema, name, tuple(zip(names, types, strict=True))) for schema, name, names, types in rows]


def _is_grouped(columns: Columns) -> bool:
    return set(GROUP_KEYS.items()) <= set(columns)


def warehouse_tables(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> list[WarehouseTable]:
    """The tables of the attached ``warehouse``'s ``schemas``, by name."""
    rows = _columns(con, "warehouse", list(schemas))
    return [WarehouseTable(schema, name, columns, _is_grouped(columns)) for schema, name, columns in rows]


def published_columns(con: duckdb.DuckDBPyConnection) -> dict[str, Columns]:
    """Served tables of the open published file (its bookkeeping left out): name -> columns."""
    database = con.execute("SELECT current_database()").fetchall()[0][0]
    rows = _columns(con, database, ["main"])
    return {name: columns for _, name, columns in rows if not name.startswith(STATE_PREFIX)}


def has_state(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the open published file holds fingerprints this DuckDB can compare with its own."""
    present = con.execute(
        "SELECT list(table_name || '.' || column_name) FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main'"
    ).fetchall()[0][0]
    needed = {f"{TABLES}.hash_sum", f"{GROUPS}.hash_sum", "_publication.fingerprints"}
    if not needed <= set(present or ()):
        return False
    return con.execute("SELECT fingerprints FROM main._publication").fetchall() == [(FINGERPRINT_KIND,)]


def create_state(con: duckdb.DuckDBPyConnection) -> None:
    """The bookkeeping tables, empty, when the file has none."""
    con.execute(
        f"CREATE TABLE IF NOT EXISTS main.{TABLES} (table_name VARCHAR PRIMARY KEY, "
        "row_count BIGINT, hash_sum HUGEINT, grouped BOOLEAN)"
    )
    keys = ", ".join(f"{key} {kind}" for key, kind in GROUP_KEYS.items())
    con.execute(
        f"CREATE TABLE IF NOT EXISTS main.{GROUPS} "
        f"(table_name VARCHAR, {keys}, row_count BIGINT, hash_sum HUGEINT)"
    )


def stored(con: duckdb.DuckDBPyConnection) -> dict[str, Fingerprint]:
    """The published tables' stored fingerprints: name -> fingerprint."""
    rows = con.execute(f"SELECT table_name, row_count, hash_sum FROM main.{TABLES}").fetchall()
    return {name: Fingerprint(count, int(total)) for name, count, total in rows}


def _fingerprint(row: tuple) -> Fingerprint:
    return Fingerprint(int(row[0] or 0), int(row[1] or 0))


def of_table(
    con: duckdb.DuckDBPyConnection, table: WarehouseTable, rebuilt: str | None = None
) -> Fingerprint:
    """The warehouse table's fingerprint; for a grouped one, its groups' go into a temp table first.

    With ``rebuilt`` (a table of groups), only those groups are hashed; the others' fingerprints
    are the published ones: the caller knows that only those groups can have changed.
    """
    if not table.grouped:
        row = con.execute(f"SELECT count(*), sum(hash({_ROW})) FROM {table.relation} {_ROW}").fetchall()[0]
        return _fingerprint(row)
    keys = ", ".join(GROUP_KEYS)
    hashed = f"SELECT {keys}, count(*) AS row_count, sum(hash({_ROW})) AS hash_sum FROM "
    create = f"CREATE OR REPLACE TEMP TABLE {_WAREHOUSE_GROUPS} AS"
    if rebuilt is None:
        con.execute(f"{create} {hashed}{table.relation} {_ROW} GROUP BY ALL")
    else:
        con.execute(
            f"{create} SELECT {keys}, row_count, hash_sum FROM main.{GROUPS} p WHERE table_name = ? "
            f"AND NOT EXISTS (SELECT 1 FROM {rebuilt} r WHERE {same_group('p', 'r')}) "
            f"UNION ALL {hashed}(SELECT t.* FROM {table.relation} t SEMI JOIN {rebuilt} r "
            f"ON {same_group('t', 'r')} WHERE {_day_prefilter(con, 't', rebuilt)}) {_ROW} GROUP BY ALL",
            [table.name],
        )
    return _fingerprint(
        con.execute(f"SELECT sum(row_count), sum(hash_sum) FROM {_WAREHOUSE_GROUPS}").fetchall()[0]
    )


def changed_groups(con: duckdb.DuckDBPyConnection, table: WarehouseTable) -> GroupChanges:
    """Compare the warehouse groups (from ``of_table``) with the stored ones into a temp table."""
    keys = ", ".join(
        f"CASE WHEN w.row_count IS NULL THEN p.{key} ELSE w.{key} END AS {key}" for key in GROUP_KEYS
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_CHANGED} AS SELECT {keys}, w.row_count IS NOT NULL AS in_warehouse, "
        f"coalesce(w.row_count, 0) AS warehouse_rows FROM {_WAREHOUSE_GROUPS} w "
        f"FULL JOIN (SELECT * FROM main.{GROUPS} WHERE table_name = ?) p ON {same_group('w', 'p')} "
        "WHERE w.hash_sum IS DISTINCT FROM p.hash_sum OR w.row_count IS DISTINCT FROM p.row_count",
        [table.name],
    )
    rewritten, deleted, rows = con.execute(
        f"SELECT count(*) FILTER (in_warehouse), count(*) FILTER (NOT in_warehouse), "
        f"coalesce(sum(warehouse_rows), 0) FROM {_CHANGED}"
    ).fetchall()[0]
    return GroupChanges(rewritten, deleted, int(rows))


def _day_runs(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days: (first, last)."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _day_prefilter(con: duckdb.DuckDBPyConnection, alias: str, groups: str = _CHANGED) -> str:
    """SQL condition on the days of ``groups`` as constant ranges, which DuckDB pushes into the scan:
    the row groups of other days are skipped (an IN list of days skips them only when counting)."""
    days = [day for (day,) in con.execute(f"SELECT DISTINCT {DAY_KEY} FROM {groups}").fetchall()]
    known = [day for day in days if day is not None]
    parts = [
        f"{alias}.{DAY_KEY} BETWEEN DATE '{first.isoformat()}' AND DATE '{last.isoformat()}'"
        for first, last in _day_runs(known)
    ]
    if len(known) < len(days):
        parts.append(f"{alias}.{DAY_KEY} IS NULL")
    return "(" + " OR ".join(parts) + ")" if parts else "false"


def rewrite_changed_groups(con: duckdb.DuckDBPyConnection, table: WarehouseTable) -> None:
    """Delete the changed groups' published rows and insert the warehouse's (``changed_groups`` first)."""
    target = f"main.{ident(table.name)}"
    con.execute(
        f"DELETE FROM {target} AS p USING {_CHANGED} c "
        f"WHERE {_day_prefilter(con, 'p')} AND {same_group('p', 'c')}"
    )
    con.execute(
        f"INSERT INTO {target} SELECT t.* FROM {table.relation} t "
        f"SEMI JOIN (SELECT * FROM {_CHANGED} WHERE in_warehouse) c ON {same_group('t', 'c')} "
        f"WHERE {_day_prefilter(con, 't')}"
    )


def store(con: duckdb.DuckDBPyConnection, table: WarehouseTable, fingerprint: Fingerprint) -> None:
    """Record the table's fingerprint (and its groups', from ``of_table``) as what is now published."""
    forget(con, table.name)
    con.execute(
        f"INSERT INTO main.{TABLES} VALUES (?, ?, ?::HUGEINT, ?)",
        [table.name, fingerprint.rows, str(fingerprint.hash_sum), table.grouped],
    )
    if table.grouped:
        keys = ", ".join(GROUP_KEYS)
        con.execute(
            f"INSERT INTO main.{GROUPS} SELECT ?, {keys}, row_count, hash_sum FROM {_WAREHOUSE_GROUPS}",
            [table.name],
        )


def forget(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Remove a table's stored fingerprints."""
    for state in (TABLES, GROUPS):
        con.execute(f"DELETE FROM main.{state} WHERE table_name = ?", [name])
