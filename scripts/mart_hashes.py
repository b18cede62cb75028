"""Print a content hash of every table of a warehouse schema (default ``marts``): ``table<TAB>rows<TAB>md5``.

Two builds produced the same marts when every line matches: compare a warehouse built before a
refactoring with one built after it (``diff <(... old.duckdb) <(... new.duckdb)``, or ``--compare``).
A table's hash is the md5 of its rows cast to text, sorted and joined, so column order and values
count and row order does not. Columns that record when a build ran, not what it built, are left out
(``VOLATILE_COLUMNS``); times are rendered in UTC whatever the machine's time zone.

    .venv/bin/python scripts/mart_hashes.py WAREHOUSE.duckdb [--schema marts] [--compare OTHER.duckdb]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

# column names that hold the time or the id of a run (raw load, dbt build), never what the data says
VOLATILE_COLUMNS = frozenset(
    {"found_at", "rejected_at", "loaded_at", "recorded_at", "landed_at", "dbt_invocation_id"}
)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_hashes(warehouse: Path, schema: str = "marts") -> dict[str, tuple[int, str]]:
    """Every base table and view of ``schema`` in the DuckDB file: name -> (row count, md5 of its rows)."""
    if not warehouse.exists():
        raise FileNotFoundError(f"{warehouse}: no such warehouse file")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = ? order by table_name",
                [schema],
            ).fetchall()
        ]
        if not tables:
            raise LookupError(f"{warehouse}: schema {schema!r} holds no table")
        hashes: dict[str, tuple[int, str]] = {}
        for table in tables:
            columns = [
                row[0]
                for row in con.execute(
                    "select column_name from information_schema.columns"
                    " where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, table],
                ).fetchall()
                if row[0] not in VOLATILE_COLUMNS
            ]
            row_text = "row(" + ", ".join(_quoted(c) for c in columns) + ")::varchar"
            count, digest = con.execute(
                f"select count(*), coalesce(md5(string_agg(r, '|' order by r)), md5(''))"
                f" from (select {row_text} as r from {_quoted(schema)}.{_quoted(table)})"
            ).fetchone() or (0, "")
            hashes[table] = (int(count), str(digest))
        return hashes
    finally:
        con.close()


def differences(old: dict[str, tuple[int, str]], new: dict[str, tuple[int, str]]) -> list[str]:
    """One line per table missing on a side or whose rows differ; empty when both are the same."""
    lines = []
    for table in sorted(old.keys() | new.keys()):
        if table not in new:
            lines.append(f"{table}: only in the first warehouse")
        elif table not in old:
            lines.append(f"{table}: only in the second warehouse")
        elif old[table] != new[table]:
            lines.append(
                f"{table}: {old[table][0]} rows {old[table][1]} != {new[table][0]} rows {new[table][1]}"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path, help="a DuckDB file (the warehouse or a published copy)")
    parser.add_argument("--schema", default="marts", help="schema whose tables to hash (default: marts)")
    parser.add_argument("--compare", type=Path, help="another DuckDB file: print only what differs")
    args = parser.parse_args(argv)
    try:
        hashes = table_hashes(args.warehouse, args.schema)
        if args.compare is not None:
            lines = differences(hashes, table_hashes(args.compare, args.schema))
            for line in lines:
                print(line)
            if not lines:
                print(f"{len(hashes)} tables of {args.schema} identical")
            return 1 if lines else 0
    except (FileNotFoundError, LookupError, duckdb.Error) as error:
        print(f"mart_hashes: {error}", file=sys.stderr)
        return 2
    for table, (count, digest) in hashes.items():
        print(f"{table}\t{count}\t{digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
