"""One benchmark run at one scale: floor, stage by stage, end to end, one more day, dashboards."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bench import dbt_steps
from bench.company import Company, mirror
from bench.steps import RINGLEDGER, StepResult, run_python_step, run_step
from ringledger.publish import current_publication
from ringledger.settings import Settings

FLOOR_RUNS = 2  # the first also warms the page cache for every stage after it


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


def dbt_stage(step: dbt_steps.DbtStep, target_dir: Path, settings: Settings) -> StepResult:
    result, _ = run_step(step.name, "stage", dbt_steps.dbt_command(step.args, target_dir), settings)
    results_path = target_dir / "target" / "run_results.json"
    if results_path.exists():
        run_results = dbt_steps.read_json(results_path)
        manifest = dbt_steps.read_json(target_dir / "target" / "manifest.json")
        result.work_seconds = run_results["elapsed_time"]
        result.detail = {"nodes": dbt_steps.node_timings(run_results, manifest)}
        results_path.unlink()
    return result


def staged_build(settings: Settings, work_dir: Path) -> list[StepResult]:
    """The pipeline's stages one at a time on a fresh home, then a profile of the view models."""
    target_dir = work_dir / "dbt"
    results = [
        run_python_step("landing", "stage", "bench.dagster_step", ["landing"], settings),
        run_python_step("raw load", "stage", "bench.dagster_step", ["raw"], settings),
    ]
    parse, _ = run_step("dbt parse", "setup", dbt_steps.dbt_command(("parse",), target_dir), settings)
    if not parse.ok:
        return [*results, parse]
    manifest = dbt_steps.read_json(target_dir / "target" / "manifest.json")
    results += [dbt_stage(step, target_dir, settings) for step in dbt_steps.build_steps(manifest)]
    results.append(run_python_step("publish", "stage", "bench.dagster_step", ["publish"], settings))
    views = work_dir / "views.json"
    views.write_text(json.dumps(dbt_steps.view_models(manifest)), encoding="utf-8")
    probe_args = [str(settings.warehouse_path), str(views)]
    results.append(run_python_step("views read whole", "profile", "bench.view_probe", probe_args, settings))
    return results


def fact_count(settings: Settings) -> int:
    published = current_publication(settings.published_dir)
    if published is None:
        return 0
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute("SELECT count(*) FROM main.fct_calls").fetchone()[0]


def whole_runs(inputs: Inputs, work_dir: Path) -> tuple[StepResult, StepResult, Settings]:
    """``ringledger pipeline`` on the base company, then again once its last day has arrived."""
    home = work_dir / "e2e"
    base = settings_for(home, inputs.base)
    whole, _ = run_step("ringledger pipeline", "end-to-end", [RINGLEDGER, "pipeline"], base)
    before = fact_count(base)
    full = settings_for(home, inputs.full)
    extra, _ = run_step("one more day", "incremental", [RINGLEDGER, "pipeline"], full)
    after = fact_count(full)
    whole.detail = {"calls_published": before}
    extra.detail = {"calls_added": after - before, "calls_published": after}
    return whole, extra, full


def benchmark(company: Company, generated: Path, work_dir: Path, repeats: int) -> dict:
    """Every measurement at one scale, as plain data."""
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    inputs = prepare_inputs(company, generated, work_dir)
    floor = measure_floor(inputs.base)
    stages = staged_build(settings_for(work_dir / "staged", inputs.base), work_dir)
    whole, extra, full = whole_runs(inputs, work_dir)
    latency_args = [str(full.published_dir), str(repeats)]
    dashboard = run_python_step(
        "dashboard queries", "dashboard", "bench.dashboard_latency", latency_args, None
    )
    return {
        "floor": floor.as_dict(),
        "steps": [s.as_dict() for s in [*stages, whole, extra, dashboard]],
        "dashboard": dashboard.detail.get("rows", []),
    }
