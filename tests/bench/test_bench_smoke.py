"""The benchmark harness itself, on a few thousand calls, so that ``make bench`` cannot rot.

Checks the shape of the figures only; timings are never asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from bench.cli import SMOKE_RECORDS
from bench.ingestion import OWN_FLOOR
from ingestion.config.settings import REPO_ROOT, SUPERSET_ASSETS_DIR

pytestmark = pytest.mark.slow

STAGES = {"landing", "raw load", "dbt staging", "dbt intermediate", "dbt marts", "dbt tests", "publish"}


@pytest.fixture(scope="module")
def smoke_results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("bench")
    command = [sys.executable, "-m", "bench", "--smoke", "--repeats", "3", "--stream-records", "1",
               "--cache-dir", str(root / "cache"), "--work-dir", str(root / "work"),
               "--out", str(root / "results")]  # fmt: skip
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"{done.stdout[-6000:]}\n{done.stderr[-4000:]}"
    (path,) = (root / "results").glob("*-3000.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _run(results: dict, group: str) -> dict:
    (step,) = [s for s in results["steps"] if s["group"] == group]
    return step


def test_every_stage_is_timed_with_memory_and_a_ratio_to_the_floor(smoke_results: dict) -> None:
    for step in smoke_results["steps"]:
        assert step["ok"], f"{step['name']} failed: {step['error']}"
        if step["group"] in (*OWN_FLOOR, "streaming"):
            continue
        assert step["wall_seconds"] > 0 and step["peak_rss_mib"] > 0 and step["floor_ratio"] > 0, step["name"]
    for group in ("end-to-end", "incremental"):
        stages = {s["name"]: s for s in _run(smoke_results, group)["detail"]["stages"]}
        assert STAGES <= set(stages), f"{group}: missing stages {STAGES - set(stages)}"
        for stage in stages.values():
            assert stage["seconds"] > 0 and stage["peak_rss_mib"] > 0 and stage["floor_ratio"] > 0, stage


def test_the_floor_counts_the_raw_files(smoke_results: dict) -> None:
    floor = smoke_results["floor"]
    assert floor["ok"] and floor["work_seconds"] > 0
    assert floor["detail"]["records"] > 0 and floor["detail"]["files"] > 0


def test_every_dbt_model_is_timed_in_its_layer(smoke_results: dict) -> None:
    models = _run(smoke_results, "end-to-end")["detail"]["models"]
    timed = {m["asset"].split("/")[-1] for m in models}
    on_disk = {p.stem for p in (REPO_ROOT / "dbt_project" / "models").rglob("*.sql")}
    assert on_disk <= timed, f"models not timed: {on_disk - timed}"
    assert {m["layer"] for m in models} >= {"staging", "intermediate", "marts"}


def test_whole_run_and_one_more_day(smoke_results: dict) -> None:
    assert _run(smoke_results, "end-to-end")["detail"]["calls_published"] > 0
    assert _run(smoke_results, "incremental")["detail"]["calls_added"] > 0


def test_a_latency_row_per_dashboard_chart(smoke_results: dict) -> None:
    charts = {
        yaml.safe_load(p.read_text())["slice_name"] for p in (SUPERSET_ASSETS_DIR / "charts").glob("*.yaml")
    }
    rows = {q["chart"]: q for q in smoke_results["dashboard"]}
    assert set(rows) == charts
    for row in rows.values():
        assert row["runs"] == 3 and 0 < row["p50_seconds"] <= row["p95_seconds"] <= row["max_seconds"]
        assert row["rows"] > 0, row["chart"]


def test_a_streamed_record_is_timed_until_served(smoke_results: dict) -> None:
    streamed = _run(smoke_results, "streaming")
    assert streamed["ok"], streamed["error"]
    (delay,) = streamed["detail"]["delays_seconds"]
    assert 0 < delay == streamed["detail"]["p95_seconds"]
    (goal,) = [g for g in smoke_results["goals"] if g["goal"].startswith("a streamed record")]
    assert (goal["measured"], goal["must_reach"], goal["limit"]) == (delay, 120, 30)


def test_machine_and_goals_are_recorded(smoke_results: dict) -> None:
    assert smoke_results["machine"]["cores"] > 0 and smoke_results["machine"]["memory_gib"] > 0
    assert smoke_results["machine"]["packages"]["duckdb"]
    assert len(smoke_results["load_average"]["before"]) == 3
    pipeline_goals = [
        g for g in smoke_results["goals"] if "records/s" not in g["goal"] and "lost" not in g["goal"]
    ]
    assert pipeline_goals and not any(g["binding"] for g in pipeline_goals)  # stated for 10 M calls
    # issue 11's two columns: a bar to reach, looser than (or equal to) the goal
    for g in smoke_results["goals"]:
        assert g["must_reach"] >= g["limit"], g
        assert g["reached"] == (g["measured"] <= g["must_reach"]) or "records/s" in g["goal"], g


def test_each_format_and_the_tcp_collector_are_measured_in_their_own_process(smoke_results: dict) -> None:
    formats = [s for s in smoke_results["steps"] if s["group"] == "ingestion"]
    assert {s["detail"]["kind"] for s in formats} == {"CSV", "fixed width"}
    for step in formats:
        detail = step["detail"]
        assert detail["records"] == SMOKE_RECORDS and detail["quarantined"] == 0, step["name"]
        assert detail["records_per_s"] > 0 and detail["floor_seconds"] > 0 and step["peak_rss_mib"] > 0
    collectors = [s for s in smoke_results["steps"] if s["group"] == "collector"]
    assert {s["detail"]["fsync_ms"] for s in collectors} == {0, 50}
    assert all(s["detail"]["lost"] == 0 and s["detail"]["ok"] for s in collectors)
    assert any("records/s" in g["goal"] for g in smoke_results["goals"])
