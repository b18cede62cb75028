"""A streamed record → the served copy, sensor-driven: the delay an operator waits for a new call.

After the pipeline runs, a TCP source is added to the company and its collector and the Dagster
daemon (arrival sensor on) are started (tests/streaming_support.py); then, one at a time, a
record is sent and the served copy watched until it holds it. Each record is sent once every
run has finished, so a delay is one arrival's: a sensor look (every 30 s), a run's start, the run.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from bench.steps import StepResult
from ingestion.config.settings import Settings
from tests.streaming_support import add_stream_source, sensor_driven, smdr_record

SERVED_WITHIN = 1800  # seconds before a record counts as lost


def streamed_to_served(settings: Settings, dagster_home: Path, records: int) -> StepResult:
    """Send ``records`` records one after another; the delays until each is served, p50 and p95."""
    port = add_stream_source(settings.input_dir)
    delays: list[float] = []
    error = ""
    with sensor_driven(settings, port, dagster_home) as installation:
        for number in range(1, records + 1):
            sent = installation.send(smdr_record(number))
            try:
                delays.append(installation.wait_served(number, timeout=SERVED_WITHIN) - sent)
            except AssertionError as exc:
                error = str(exc)
                break
            installation.wait_runs_finished(timeout=SERVED_WITHIN)
            print(f"    record {number}: served {delays[-1]:.1f} s after it was sent", flush=True)
    p95 = _p95(delays)
    detail = {
        "delays_seconds": delays,
        "p50_seconds": statistics.median(delays) if delays else None,
        "p95_seconds": p95,
    }
    ok = not error and len(delays) == records
    return StepResult(
        "streamed record to served", "streaming", ok, p95 or 0.0, sum(delays), 0.0, detail, error
    )


def _p95(values: list[float]) -> float | None:
    """The 95th percentile (nearest rank): the largest of fewer than 20 values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]
