"""Ingestion figures of ``make bench`` (issue 3): landing file to raw table per format, and TCP collection.

Each measurement runs as its own process (``bench.formats_bench``,
``bench.tcp_collector_bench``) so its peak RSS is its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.formats_bench import FORMATS
from bench.steps import StepResult, run_python_step

CSV_GOAL_RECORDS_PER_S = 500_000
OWN_FLOOR = ("ingestion", "collector")  # groups not compared with the pipeline's floor


def measure(record_counts: list[int], tcp_records: int, work_dir: Path) -> list[StepResult]:
    """Every format at every scale, then the TCP collector with fsync per write and every 50 ms."""
    steps = []
    for records in record_counts:
        for fmt in FORMATS:
            work = work_dir / f"{fmt}-{records}"
            shutil.rmtree(work, ignore_errors=True)
            step = run_python_step(f"{fmt} {records:,} records", "ingestion", "bench.formats_bench",
                                   [fmt, str(records), str(work)], None)  # fmt: skip
            shutil.rmtree(work, ignore_errors=True)
            steps.append(step)
    for fsync_ms in (0, 50):
        args = ["--records", str(tcp_records), "--fsync-ms", str(fsync_ms), "--json"]
        name = f"TCP collector, fsync {fsync_ms} ms"
        steps.append(run_python_step(name, "collector", "bench.tcp_collector_bench", args, None))
    return steps


def goals(steps: list[dict]) -> list[dict]:
    """CSV formats at ≥ 500 k records/s (binding at every scale); TCP with zero loss (the bar is the goal)."""
    rows = []
    for step in steps:
        detail = step["detail"]
        if step["group"] == "ingestion" and detail.get("kind") == "CSV":
            rate = detail["records_per_s"]
            rows.append(
                (
                    f"{step['name']}: records/s (at least)",
                    rate,
                    CSV_GOAL_RECORDS_PER_S,
                    rate >= CSV_GOAL_RECORDS_PER_S,
                )
            )
        if step["group"] == "collector" and "lost" in detail:
            rows.append(
                (f"{step['name']}: lines lost", detail["lost"], 0, detail["lost"] == 0 and detail["ok"])
            )
    return [
        {"goal": g, "measured": m, "must_reach": lim, "reached": ok, "limit": lim, "met": ok, "binding": True}
        for g, m, lim, ok in rows
    ]


# step, records, seconds, records/s, times the floor, peak MiB
TableRow = tuple[str, int, float | None, float | None, float | None, float | None]


def table_rows(steps: list[dict]) -> list[TableRow]:
    """Rows: step, records, seconds, records/s, times the floor, peak MiB."""
    rows: list[TableRow] = []
    for step in steps:
        detail = step["detail"]
        name, records, seconds = step["name"], detail.get("records", 0), detail.get("seconds")
        if step["group"] == "ingestion":
            ratio = detail["seconds"] / detail["floor_seconds"] if detail.get("floor_seconds") else None
            rows.append((name, records, seconds, detail.get("records_per_s"), ratio, step["peak_rss_mib"]))
        elif step["group"] == "collector":
            rows.append((name, records, seconds, detail.get("lines_per_s"), None, detail.get("peak_rss_mib")))
    return rows
