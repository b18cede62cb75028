"""Sensors: decide when to run the pipeline; they land nothing themselves.

For folder, S3 and SFTP sources the sensor looks (the collectors' rule: two looks agree, never an
in-progress name) and, when a file is complete and not announced before, requests a run of the
full pipeline (landing, raw load, dbt, publish), so an arrival ends up in the served copy; the
run's ``landing/files`` asset lands it, the one place files are landed. For stream sources it
notices chunks their collectors landed (the manifest grew).

While a run it requested still waits to start (the instance runs one at a time: see
``orchestration/instance.py``), an arrival requests nothing more: that run takes it when it lands
and loads, so runs do not pile up behind a busy warehouse. A run launched while ``ringledger
pipeline`` or ``reprocess`` builds waits for it (the warehouse resource holds the pipeline lock).

The cursor (JSON) keeps, per file source, the state between looks (what was seen with which
size and time, what was announced) and the number of stream chunks already announced, so each
arrival requests one run.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import dagster as dg

from ingestion.collect.file_poller import look
from ingestion.collect.landing import read_manifest
from ingestion.config.company import load_sources
from orchestration.defs.pipeline_job import FULL_PIPELINE, full_pipeline
from orchestration.resources import LocationsResource

WAITING = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.STARTING]


def run_waiting(instance: dg.DagsterInstance) -> bool:
    """Whether a run of the full pipeline is requested and has not begun landing yet."""
    return bool(instance.get_run_records(dg.RunsFilter(job_name=FULL_PIPELINE, statuses=WAITING), limit=1))


@dg.sensor(
    name="new_pbx_files",
    job=full_pipeline,
    minimum_interval_seconds=30,
    description="Runs the pipeline (land, load, build, publish) when files are complete or streams landed",
)
def new_pbx_files(context: dg.SensorEvaluationContext, locations: LocationsResource):
    cursor = json.loads(context.cursor) if context.cursor else {}
    looked: dict[str, Any] = cursor.get("sources", {})
    complete: list[str] = []
    sources = load_sources(locations.input_path)
    for source in sources:
        if source.transport.is_stream:
            continue  # its collector daemon lands chunks; the manifest check below sees them
        try:
            seen = look(source, looked.get(source.name))
        except Exception as exc:  # one unreachable bucket must not stop the other sources
            context.log.warning(f"{source.name}: cannot look ({type(exc).__name__}: {exc})")
            continue
        looked[source.name] = seen.state(seen.ready)
        complete += [f"{source.name}/{f.name}" for f in seen.ready]
        if seen.ready or seen.waiting:
            context.log.info(f"{source.name}: {len(seen.ready)} complete, {len(seen.waiting)} not complete")
    streams = {s.name for s in sources if s.transport.is_stream}
    stream_chunks = sum(1 for f in read_manifest(locations.landing_path) if f.source in streams)
    announced = cursor.get("stream_chunks", 0)
    context.update_cursor(json.dumps({"sources": looked, "stream_chunks": stream_chunks}, sort_keys=True))
    if not complete and stream_chunks <= announced:
        return dg.SkipReason("nothing new")
    if run_waiting(context.instance):
        return dg.SkipReason("a requested run has not started yet: it takes what arrived")
    arrivals = hashlib.sha256("\n".join(complete).encode()).hexdigest()[:16]
    return dg.RunRequest(
        run_key=f"arrival-{stream_chunks}-{arrivals}",
        tags={"complete_files": str(len(complete)), "landed_chunks": str(max(0, stream_chunks - announced))},
    )


defs = dg.Definitions(sensors=[new_pbx_files])
