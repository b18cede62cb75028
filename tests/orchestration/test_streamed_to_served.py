"""A streamed record reaches the served copy by itself: collector → sensor → pipeline run → publish.

Over a copy of the tiny company's built home, with a TCP source added: the real collector and the
real Dagster daemon (tests/streaming_support.py), no ``ringledger pipeline`` by hand.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg

from ingestion.config.settings import Settings
from orchestration.defs.pipeline_job import FULL_PIPELINE
from tests.conftest import settings_under
from tests.streaming_support import SENSOR, add_stream_source, published_calls, sensor_driven, smdr_record

SERVED_WITHIN = 240  # seconds: a sensor interval (30 s), a run's start and a tiny company's run, with room


def test_a_streamed_record_is_served_by_a_sensor_driven_run(
    tmp_path: Path, tiny_company: Path, tiny_clean_run: Settings
):
    company, home, dagster_home = tmp_path / "company", tmp_path / "home", tmp_path / "dagster"
    shutil.copytree(tiny_company, company)
    shutil.copytree(tiny_clean_run.home, home, ignore=shutil.ignore_patterns("dagster"))
    port = add_stream_source(company)
    settings = settings_under(home, company)
    assert published_calls(settings) == 0

    with sensor_driven(settings, port, dagster_home) as installation:
        sent = installation.send(smdr_record(1))
        served = installation.wait_served(1, timeout=SERVED_WITHIN)
        print(f"streamed record served {served - sent:.1f} s after it was sent")
        runs = installation.wait_runs_finished(timeout=120)
    assert published_calls(settings) == 1
    assert all(r.dagster_run.tags.get("dagster/sensor_name") == SENSOR for r in runs)
    assert {r.dagster_run.job_name for r in runs} == {FULL_PIPELINE}
    assert {r.dagster_run.status for r in runs} == {dg.DagsterRunStatus.SUCCESS}
