"""Seconds of a publish, the old way (copy every mart) and the new (rewrite only what changed).

``python -m bench.publish_bench WORK_DIR [--calls N] [--legs N] [--old-ref REF] [--days-changed K]``
builds a synthetic warehouse in WORK_DIR (once; a fct_calls-like table of ~25 mixed columns over
90 days x 3 sources, a legs-like table, small dimensions and a daily report), then, for the
publish of git REF and the publish of this tree, times (a) a first publish, (b) a republish with
nothing changed, (c) a republish after one local day's rows were replaced (deleted and inserted
again, changed), K more such days one after another, and (d) a republish after every call
changed (fct_calls replaced whole, then compacted), with the published file's size.
Prints JSON lines.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb

from orchestration.serving import publish as new_publish

FIRST_DAY = date(2026, 1, 1)
DAYS = 90
SOURCES = ("pbx_a", "pbx_b", "pbx_c")

CALLS_SQL = """
CREATE TABLE marts.fct_calls AS SELECT
  'call-' || range AS call_id,
  {sources}[range % 3 + 1] AS source_name,
  DATE '{first}' + (range // 3 % {days})::INTEGER AS call_date_local,
  TIMESTAMP '{first}' + to_seconds(range % 7776000) AS started_at_utc,
  TIMESTAMP '{first}' + to_seconds(range % 7776000 + 60) AS ended_at_utc,
  (range % 3600)::INTEGER AS duration_s, (range % 3000)::INTEGER AS billable_s,
  ['inbound', 'outbound', 'internal'][range % 5 % 3 + 1] AS direction,
  ['answered', 'missed', 'busy', 'failed'][range % 4 + 1] AS disposition,
  1000 + (range % 500)::INTEGER AS extension,
  '+4420' || lpad(((range * 7919) % 10000000)::VARCHAR, 8, '0') AS external_number,
  'GB' AS country_code, ['mobile', 'fixed', 'premium', 'tollfree'][range % 4 + 1] AS destination_type,
  (range % 40)::INTEGER AS trunk_id, (range % 12)::INTEGER AS branch_id,
  (range % 60)::INTEGER AS department_id, (range % 900)::INTEGER AS person_id,
  ((range % 1000) / 100.0)::DECIMAL(12, 4) AS cost_amount, 'GBP' AS cost_currency,
  ((range % 997) * 0.013)::DOUBLE AS rate_per_min, range % 11 = 0 AS is_transferred,
  range % 13 = 0 AS is_conference, (range % 3)::INTEGER AS leg_count,
  CASE WHEN range % 17 = 0 THEN NULL ELSE 'note ' || range % 100 END AS note,
  md5(range::VARCHAR)[1:16] AS record_hash
FROM range({calls})
"""

LEGS_SQL = """
CREATE TABLE marts.fct_call_legs AS SELECT
  'call-' || (range // 16 * 10 + range % 16 % 10) AS call_id, (range % 2)::INTEGER AS leg_no,
  {sources}[range % 3 + 1] AS source_name,
  DATE '{first}' + (range // 3 % {days})::INTEGER AS call_date_local,
  TIMESTAMP '{first}' + to_seconds(range % 7776000) AS leg_started_at_utc,
  (range % 1800)::INTEGER AS leg_duration_s, ['in', 'out'][range % 2 + 1] AS leg_direction,
  (range % 40)::INTEGER AS trunk_id, 1000 + (range % 500)::INTEGER AS extension,
  '+4420' || lpad(((range * 104729) % 10000000)::VARCHAR, 8, '0') AS external_number,
  ((range % 1000) / 100.0)::DECIMAL(12, 4) AS leg_cost
FROM range({legs})
"""

SMALL_SQL = (
    "CREATE TABLE marts.dim_extension AS SELECT 1000 + range::INTEGER AS extension, "
    "'Person ' || range AS person_name, (range % 60)::INTEGER AS department_id FROM range(500)",
    "CREATE TABLE marts.dim_date AS SELECT DATE '2025-01-01' + range::INTEGER AS date_day FROM range(800)",
    "CREATE TABLE marts.rpt_calls_daily AS SELECT source_name, call_date_local, count(*) AS calls, "
    "sum(duration_s) AS seconds FROM marts.fct_calls GROUP BY ALL",
)


def build_warehouse(path: Path, calls: int, legs: int) -> None:
    """The synthetic warehouse, written once."""
    con = duckdb.connect(str(path))
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute("CREATE SCHEMA marts")
        shape = {"sources": list(SOURCES), "first": FIRST_DAY.isoformat(), "days": DAYS}
        con.execute(CALLS_SQL.format(calls=calls, **shape))
        con.execute(LEGS_SQL.format(legs=legs, **shape))
        for sql in SMALL_SQL:
            con.execute(sql)
    finally:
        con.close()


def replace_day(path: Path, day: date, delta: int) -> None:
    """Delete one local day's rows of both facts and insert them again with durations moved by delta."""
    con = duckdb.connect(str(path))
    try:
        for table, column in (("fct_calls", "duration_s"), ("fct_call_legs", "leg_duration_s")):
            con.execute(
                f"CREATE TEMP TABLE day_rows AS SELECT * REPLACE ({column} + ? AS {column}) "
                f"FROM marts.{table} WHERE call_date_local = ?",
                [delta, day],
            )
            con.execute(f"DELETE FROM marts.{table} WHERE call_date_local = ?", [day])
            con.execute(f"INSERT INTO marts.{table} SELECT * FROM day_rows")
            con.execute("DROP TABLE day_rows")
    finally:
        con.close()


def old_publish(ref: str) -> ModuleType:
    """``orchestration/serving/publish.py`` as it is at ``ref``, loaded as a module."""
    source = subprocess.run(
        ["git", "show", f"{ref}:orchestration/serving/publish.py"], check=True, capture_output=True, text=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "old_publish.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_publish", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _timed(label: str, impl: str, run: Callable[[], Any]) -> None:
    started = time.perf_counter()
    publication = run()
    seconds = time.perf_counter() - started
    path = Path(publication.path)
    summary = getattr(publication, "summary", lambda: "")()
    line = {"impl": impl, "step": label, "seconds": round(seconds, 2), "file_mb": path.stat().st_size >> 20}
    print(json.dumps(line | ({"summary": summary} if summary else {})), flush=True)


def change_every_call(path: Path, delta: int) -> None:
    """Every call's duration moved by delta: every group of fct_calls differs."""
    con = duckdb.connect(str(path))
    try:
        con.execute("UPDATE marts.fct_calls SET duration_s = duration_s + ?", [delta])
    finally:
        con.close()


def run_impl(impl: str, publish: Callable[..., object], warehouse: Path, out: Path, changed: int) -> None:
    """The three timed publishes, ``changed`` more changed days, then every call changed."""
    published = out / f"published-{impl}"
    shutil.rmtree(published, ignore_errors=True)
    _timed("a first publish", impl, lambda: publish(warehouse, published))
    _timed("b nothing changed", impl, lambda: publish(warehouse, published))
    for n in range(1 + changed):
        day = FIRST_DAY + timedelta(days=DAYS - 1 - n)
        replace_day(warehouse, day, 1)
        _timed(f"c one day replaced ({day})", impl, lambda: publish(warehouse, published))
    for n in range(1 + changed):
        replace_day(warehouse, FIRST_DAY + timedelta(days=DAYS - 1 - n), -1)
    change_every_call(warehouse, 1)
    _timed("d every call changed", impl, lambda: publish(warehouse, published))
    change_every_call(warehouse, -1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.publish_bench")
    parser.add_argument("work_dir", type=Path)
    parser.add_argument("--calls", type=int, default=10_000_000)
    parser.add_argument("--legs", type=int, default=16_000_000)
    parser.add_argument("--old-ref", default="8208168", help="git ref of the publish to compare with")
    parser.add_argument("--days-changed", type=int, default=0, help="more changed days after (c)")
    parser.add_argument("--only", choices=("old", "new"), help="time one implementation")
    args = parser.parse_args(argv)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    warehouse = args.work_dir / f"warehouse-{args.calls}-{args.legs}.duckdb"
    if not warehouse.exists():
        build_warehouse(warehouse, args.calls, args.legs)
    impls = {"old": old_publish(args.old_ref).publish, "new": new_publish.publish}
    for impl, publish in impls.items():
        if args.only in (None, impl):
            run_impl(impl, publish, warehouse, args.work_dir, args.days_changed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
