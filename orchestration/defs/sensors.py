"""Sensors: land new files from folder, S3 and SFTP sources, notice chunks that stream collectors
landed, and request a run of the raw-records assets when anything new arrived.

The cursor (JSON) keeps, per file source, the poller's state between looks (what
was seen and with which size and time, what was taken) and the number of
manifest rows already announced, so each landed file triggers one run.
"""

from __future__ import annotations

import json

import dagster as dg

from ingestion.collect.file_poller import poll
from ingestion.collect.landing import read_manifest
from ingestion.config.company import load_sources
from orchestration.defs import ingest
from orchestration.resources import LocationsResource

RAW_RECORDS = dg.AssetSelection.assets(ingest.raw_records)


@dg.sensor(
    name="new_pbx_files",
    asset_selection=RAW_RECORDS,
    minimum_interval_seconds=30,
    description="Lands complete new files of folder/S3/SFTP sources and loads everything newly landed.",
)
def new_pbx_files(context: dg.SensorEvaluationContext, locations: LocationsResource):
    cursor = json.loads(context.cursor) if context.cursor else {}
    polled: dict = cursor.get("sources", {})
    for source in load_sources(locations.input_path):
        if source.transport.is_stream:
            continue  # its collector daemon lands chunks; the manifest check below sees them
        try:
            result = poll(source, locations.landing_path, polled.get(source.name))
        except Exception as exc:  # one unreachable bucket must not stop the other sources
            context.log.warning(f"{source.name}: cannot poll ({type(exc).__name__}: {exc})")
            continue
        polled[source.name] = result.state
        if result.landed or result.waiting:
            context.log.info(
                f"{source.name}: {len(result.landed)} landed, {len(result.waiting)} not complete"
            )
    manifest = read_manifest(locations.landing_path)
    announced = cursor.get("manifest_rows", 0)
    context.update_cursor(json.dumps({"sources": polled, "manifest_rows": len(manifest)}, sort_keys=True))
    if len(manifest) <= announced:
        return dg.SkipReason("nothing new landed")
    newest = manifest[-1].sha256[:16]
    return dg.RunRequest(
        run_key=f"landed-{len(manifest)}-{newest}", tags={"new_files": str(len(manifest) - announced)}
    )


defs = dg.Definitions(sensors=[new_pbx_files])
