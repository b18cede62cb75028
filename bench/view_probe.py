"""Profile: what each view model costs read whole (a view is computed inside the tables that read it).

``python -m bench.view_probe WAREHOUSE VIEWS_JSON`` materialises every view
once into a temporary table (so no column is pruned) and prints JSON seconds
per view. A view's time includes the views it reads.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb


def probe(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[float, int]:
    started = time.perf_counter()
    con.execute(f"CREATE OR REPLACE TEMP TABLE probe AS SELECT * FROM {relation}")
    seconds = time.perf_counter() - started
    rows = con.execute("SELECT count(*) FROM probe").fetchone()[0]
    con.execute("DROP TABLE probe")
    return seconds, rows


def main(argv: list[str]) -> int:
    views = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    results = []
    with duckdb.connect(argv[0], read_only=True) as con:
        for view in views:
            seconds, rows = probe(con, view["relation"])
            results.append({**view, "seconds": seconds, "rows": rows})
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
