"""One benchmark at one scale: floor, the pipeline with its stages, one more day, dashboards, streaming."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bench import breakdown
from bench.company import Company, mirror
from bench.steps import PYTHON, RINGLEDGER, StepResult, child_env, last_json, run_python_step, run_step
from ingestion.config.settings import REPO_ROOT, Settings
from orchestration.serving.publish import current_publication

FLOOR_RUNS = 2  # the first also warms the page cache for every step after it


@dataclass(frozen=True)
class Inputs:
    base: Path  # the company without its last day
    full: Path  # the whole company


def prepare_inputs(company: Company, generated: Path, work_dir: Path) -> Inputs:
    inputs = Inputs(base=work_dir / "input-base", full=work_dir / "input-full")
    mirror(generated, inputs.base, company.last_day)
    mirror(generated, inputs.full, None)
    return inputs


def settings_for(home: Path, input_dir: Path) -> Settings:
    return Settings.from_env({"RINGLEDGER_HOME": str(home), "RINGLEDGER_INPUT": str(input_dir)})


def measure_floor(input_dir: Path) -> StepResult:
    """The fastest of a few bare scans."""
    args = [str(input_dir)]
    runs = [run_python_step("bare scan", "floor", "bench.floor", args, None) for _ in range(FLOOR_RUNS)]
    best = min(runs, key=lambda r: r.work_seconds if r.ok else float("inf"))
    best.detail["runs_seconds"] = [r.work_seconds for r in runs]
    return best


def _run_events(settings: Settings, dagster_home: Path) -> dict:
    import subprocess

    env = {**child_env(settings), "DAGSTER_HOME": str(dagster_home)}
    done = subprocess.run([PYTHON, "-m", "bench.run_events"], env=env, cwd=REPO_ROOT, capture_output=True,
                          text=True, check=True)  # fmt: skip
    events = last_json(done.stdout)
    assert isinstance(events, dict), events  # bench.run_events prints one JSON object
    return events


def instrumented_pipeline(name: str, group: str, settings: Settings) -> StepResult:
    """``ringledger pipeline`` recorded in its own Dagster instance, then broken down into stages."""
    dagster_home = settings.home / "dagster"
    dagster_home.mkdir(parents=True, exist_ok=True)
    result, measured = run_step(name, group, [RINGLEDGER, "pipeline"], settings, dagster_home=dagster_home)
    events = _run_events(settings, dagster_home)
    result.detail = {
        "run_status": events["status"],
        "stages": breakdown.stage_rows(events, measured.samples),
        "dagster_steps": breakdown.step_rows(events, measured.samples),
        "models": breakdown.model_rows(events),
        "calls_published": fact_count(settings),
    }
    for stage in result.detail["stages"]:
        print(f"    {stage['name']}: {stage['seconds']:.1f} s, {stage['peak_rss_mib']:.0f} MiB", flush=True)
    return result


def fact_count(settings: Settings) -> int:
    published = current_publication(settings.published_dir)
    if published is None:
        return 0
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute("SELECT count(*) FROM main.fct_calls").fetchall()[0][0]


def dashboard_latency(settings: Settings, repeats: int, sql_file: Path | None) -> StepResult:
    args = [str(settings.published_dir), str(repeats), *([str(sql_file)] if sql_file else [])]
    result = run_python_step("dashboard queries", "dashboard", "bench.dashboard_latency", args, None)
    for chart in result.detail.get("rows", []):
        p50, p95 = chart["p50_seconds"], chart["p95_seconds"]
        print(f"    {chart['chart']}: p50 {p50:.3f} s, p95 {p95:.3f} s", flush=True)
    return result


def superset_sql_file(settings: Settings, work_dir: Path) -> Path:
    """Superset's own SQL per chart, asked of a temporary server over this publish."""
    from bench.superset_sql import chart_sql_from_superset

    path = work_dir / "superset-sql.json"
    path.write_text(json.dumps(chart_sql_from_superset(settings.published_dir), indent=2), encoding="utf-8")
    return path


def benchmark(company: Company, generated: Path, work_dir: Path, options: dict) -> dict:
    """Every measurement at one scale, as plain data."""
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    inputs = prepare_inputs(company, generated, work_dir)
    floor = measure_floor(inputs.base)
    whole = instrumented_pipeline(
        "ringledger pipeline", "end-to-end", settings_for(work_dir / "home", inputs.base)
    )
    full = settings_for(work_dir / "home", inputs.full)
    extra = instrumented_pipeline("one more day", "incremental", full)
    extra.detail["calls_added"] = extra.detail["calls_published"] - whole.detail["calls_published"]
    sql_file = superset_sql_file(full, work_dir) if options["superset_sql"] else None
    dashboard = dashboard_latency(full, options["repeats"], sql_file)
    steps = [whole, extra, dashboard]
    if options["stream_records"]:
        from bench.streaming import streamed_to_served

        print("  streamed records, sensor-driven:", flush=True)
        steps.append(streamed_to_served(full, work_dir / "stream-dagster", options["stream_records"]))
    if options["profile_views"]:
        probe_args = [str(full.warehouse_path)]
        steps.append(run_python_step("views read whole", "profile", "bench.view_probe", probe_args, None))
    return {
        "floor": floor.as_dict(),
        "steps": [s.as_dict() for s in steps],
        "dashboard": dashboard.detail.get("rows", []),
        "dashboard_sql_from": "superset chart-data API"
        if sql_file
        else "chart YAML translation (bench/chart_sql.py)",
    }
