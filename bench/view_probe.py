"""Profile: what each view model costs read whole (a view is computed inside the tables that read it).

``python -m bench.view_probe WAREHOUSE`` materialises every view of the dbt
schemas once into a temporary table (so no column is pruned) and prints JSON
seconds per view. A view's time includes the views it reads.
"""

from __future__ import annotations

import json
import sys
import time

import duckdb

VIEWS = (
    "SELECT schema_name, view_name FROM duckdb_views() "
    "WHERE NOT internal AND schema_name <> 'main' ORDER BY 1, 2"
)


def probe(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[float, int]:
    started = time.perf_counter()
    con.execute(f"CREATE OR REPLACE TEMP TABLE probe AS SELECT * FROM {relation}")
    seconds = time.perf_counter() - started
    rows = con.execute("SELECT count(*) FROM probe").fetchall()[0][0]
    con.execute("DROP TABLE probe")
    return seconds, rows


def main(argv: list[str]) -> int:
    results = []
    with duckdb.connect(argv[0], read_only=True) as con:
        for schema, view in con.execute(VIEWS).fetchall():
            seconds, rows = probe(con, f'"{schema}"."{view}"')
            results.append({"name": view, "layer": schema, "seconds": seconds, "rows": rows})
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
