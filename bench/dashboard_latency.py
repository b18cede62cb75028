"""Dashboard query latency on the published copy, the way Superset reaches it.

Every repetition opens a new in-memory DuckDB connection, attaches the file
``CURRENT`` names read-only, locks external access (as
``superset_assets/superset_config.py`` does per connection) and runs one
chart's SQL to the last row. ``python -m bench.dashboard_latency PUBLISHED_DIR REPEATS [SQL_JSON]``
prints JSON: per chart p50/p95/max seconds and rows. The SQL is translated from
the chart YAML unless ``SQL_JSON`` maps chart names to Superset's own SQL.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import duckdb

from bench.chart_sql import ChartQuery, dashboard_queries
from orchestration.serving.publish import current_publication


def run_once(published: Path, sql: str) -> tuple[float, int]:
    started = time.perf_counter()
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{str(published).replace(chr(39), chr(39) * 2)}' AS ringledger (READ_ONLY)")
        con.execute("USE ringledger")
        con.execute("SET enable_external_access = false")
        rows = len(con.execute(sql).fetchall())
    finally:
        con.close()
    return time.perf_counter() - started, rows


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered) + 0.5) - 1)]


def measure(published: Path, query: ChartQuery, repeats: int) -> dict:
    timings, rows = [], 0
    for _ in range(repeats):
        seconds, rows = run_once(published, query.sql)
        timings.append(seconds)
    return {
        "chart": query.name,
        "viz_type": query.viz_type,
        "sql": query.sql,
        "rows": rows,
        "runs": repeats,
        "p50_seconds": statistics.median(timings),
        "p95_seconds": percentile(timings, 0.95),
        "max_seconds": max(timings),
    }


def main(argv: list[str]) -> int:
    published = current_publication(Path(argv[0]))
    if published is None:
        raise SystemExit(f"{argv[0]}: nothing published")
    repeats = int(argv[1])
    queries = dashboard_queries()
    if len(argv) > 2:
        exact = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        queries = [ChartQuery(q.name, q.viz_type, exact[q.name].rstrip().rstrip(";")) for q in queries]
    print(json.dumps([measure(published, query, repeats) for query in queries]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
