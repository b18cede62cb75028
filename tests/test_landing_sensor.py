"""The Dagster sensor lands complete new files, keeps its state in its cursor, asks one load per arrival."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from ingestion.landing import read_manifest
from orchestration.defs.sensors import new_pbx_files
from orchestration.resources import LocationsResource
from tests.collector_support import avaya_record, write_config


def _evaluate(locations: LocationsResource, cursor: str | None):
    context = dg.build_sensor_context(cursor=cursor, resources={"locations": locations})
    return new_pbx_files(context), context.cursor


def test_sensor_lands_stable_files_and_requests_one_run_per_arrival(tmp_path: Path):
    drop = tmp_path / "drop"
    drop.mkdir()
    input_dir = write_config(
        tmp_path / "input",
        f"""
sources:
  - name: ipo_files
    site: hq
    format: avaya_ipoffice_smdr
    location: {drop}
    pattern: "*.csv"
""",
    )
    locations = LocationsResource(
        input_dir=str(input_dir), landing_dir=str(tmp_path / "landing"), published_dir=str(tmp_path / "pub")
    )
    (drop / "day1.csv").write_bytes(b"".join(avaya_record(n) for n in range(10)))

    first, cursor = _evaluate(locations, None)
    assert isinstance(first, dg.SkipReason)  # seen once: may still be growing
    second, cursor = _evaluate(locations, cursor)
    assert isinstance(second, dg.RunRequest)
    assert [f.original_name for f in read_manifest(tmp_path / "landing")] == ["day1.csv"]
    third, cursor = _evaluate(locations, cursor)
    assert isinstance(third, dg.SkipReason)
    assert len(read_manifest(tmp_path / "landing")) == 1
