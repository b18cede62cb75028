"""Dagster landing: the sensor and the landed_files asset take only complete files (the collectors' rule).

The sensor keeps its state in its cursor, lands nothing and asks one run of the whole pipeline per
arrival (none while one it asked still waits to start); the run's
landed_files asset lands (the one place files land), keeping its state in the landing folder and
looking twice per run.
"""

from __future__ import annotations

import gzip
import threading
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus

from ingestion.collect.landing import read_manifest
from orchestration.defs.ingest import LandingConfig, landed_files
from orchestration.defs.pipeline_job import FULL_PIPELINE
from orchestration.defs.sensors import new_pbx_files
from orchestration.resources import LocationsResource
from tests.collector_support import avaya_record, write_config


def _folder_source(tmp_path: Path, pattern: str) -> tuple[Path, LocationsResource]:
    """A folder source of IP Office files matching ``pattern``: the folder and the locations."""
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
    pattern: "{pattern}"
""",
    )
    landing, published = str(tmp_path / "landing"), str(tmp_path / "pub")
    return drop, LocationsResource(input_dir=str(input_dir), landing_dir=landing, published_dir=published)


def _evaluate(locations: LocationsResource, cursor: str | None, instance: dg.DagsterInstance | None = None):
    context = dg.build_sensor_context(
        cursor=cursor,
        resources={"locations": locations},
        instance=instance or dg.DagsterInstance.ephemeral(),
    )
    return new_pbx_files(context), context.cursor


def test_sensor_requests_one_run_per_complete_file_and_the_run_lands_it(tmp_path: Path):
    drop, locations = _folder_source(tmp_path, "*.csv")
    (drop / "day1.csv").write_bytes(b"".join(avaya_record(n) for n in range(10)))

    first, cursor = _evaluate(locations, None)
    assert isinstance(first, dg.SkipReason)  # seen once: may still be growing
    second, cursor = _evaluate(locations, cursor)
    assert isinstance(second, dg.RunRequest)
    assert read_manifest(tmp_path / "landing") == []  # the sensor decides; the run lands
    third, cursor = _evaluate(locations, cursor)
    assert isinstance(third, dg.SkipReason)  # announced once
    assert _materialize_landing(locations, settle_seconds=0.3)["new_files"] == 1
    assert [f.original_name for f in read_manifest(tmp_path / "landing")] == ["day1.csv"]
    fourth, cursor = _evaluate(locations, cursor)
    assert isinstance(fourth, dg.SkipReason)  # the run's landing is no new arrival


@pytest.mark.reliability
def test_a_stable_truncated_gzip_is_announced_and_landed_with_its_reason(tmp_path: Path):
    drop, locations = _folder_source(tmp_path, "*.gz")
    packed = gzip.compress(b"".join(avaya_record(n) for n in range(50)))
    (drop / "day1.csv.gz").write_bytes(packed[: len(packed) // 2])  # the writer stopped half way

    first, cursor = _evaluate(locations, None)
    assert isinstance(first, dg.SkipReason)
    second, cursor = _evaluate(locations, cursor)
    assert isinstance(second, dg.RunRequest)  # the raw load quarantines it whole, with the reason
    assert _materialize_landing(locations, settle_seconds=0.3)["quarantined_files"] == 1
    (entry,) = read_manifest(tmp_path / "landing")
    assert entry.original_name == "day1.csv.gz"
    assert entry.quarantine_reason.startswith("truncated or corrupt compressed file: Compressed file ended")
    third, cursor = _evaluate(locations, cursor)
    assert isinstance(third, dg.SkipReason) and len(read_manifest(tmp_path / "landing")) == 1


def test_the_sensor_runs_the_whole_pipeline_and_requests_nothing_more_while_its_run_waits(tmp_path: Path):
    drop, locations = _folder_source(tmp_path, "*.csv")
    assert new_pbx_files.job_name == FULL_PIPELINE  # land, load, build and publish: arrivals get served
    instance = dg.DagsterInstance.ephemeral()
    (drop / "day1.csv").write_bytes(avaya_record(1))
    _, cursor = _evaluate(locations, None, instance)
    requested, cursor = _evaluate(locations, cursor, instance)
    assert isinstance(requested, dg.RunRequest)
    instance.add_run(
        DagsterRun(job_name=FULL_PIPELINE, run_id="waiting", status=DagsterRunStatus.NOT_STARTED)
    )

    (drop / "day2.csv").write_bytes(avaya_record(2))
    _, cursor = _evaluate(locations, cursor, instance)
    waiting, cursor = _evaluate(locations, cursor, instance)
    assert isinstance(waiting, dg.SkipReason) and "has not started" in (waiting.skip_message or "")

    instance.delete_run("waiting")  # it began: it lands both files
    instance.add_run(DagsterRun(job_name=FULL_PIPELINE, run_id="begun", status=DagsterRunStatus.STARTED))
    (drop / "day3.csv").write_bytes(avaya_record(3))
    _, cursor = _evaluate(locations, cursor, instance)
    again, cursor = _evaluate(locations, cursor, instance)
    assert isinstance(again, dg.RunRequest)  # an arrival after the run began needs a run of its own


def _materialize_landing(locations: LocationsResource, settle_seconds: float) -> dict:
    """Run the landed_files asset once, in process; return its metadata values."""
    result = dg.materialize(
        [landed_files],
        resources={"locations": locations},
        run_config=dg.RunConfig(ops={"landing__files": LandingConfig(settle_seconds=settle_seconds)}),
    )
    (event,) = result.get_asset_materialization_events()
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_asset_skips_growing_and_in_progress_files_and_takes_them_once_complete(tmp_path: Path):
    drop, landing = tmp_path / "drop", tmp_path / "landing"
    drop.mkdir()
    input_dir = write_config(
        tmp_path / "input",
        f"""
sources:
  - name: ipo_files
    site: hq
    format: avaya_ipoffice_smdr
    location: {drop}
    pattern: "*.csv*"
    transport: {{kind: folder, in_progress: ["*.part", "*.uploading"]}}
""",
    )
    locations = LocationsResource(
        input_dir=str(input_dir), landing_dir=str(landing), published_dir=str(tmp_path / "pub")
    )
    done = b"".join(avaya_record(n) for n in range(10))
    (drop / "day1.csv").write_bytes(done)
    (drop / "day2.csv.uploading").write_bytes(b"".join(avaya_record(n) for n in range(10, 20)))
    growing, written, stop = drop / "day3.csv", [avaya_record(20)], threading.Event()
    growing.write_bytes(written[0])

    def pbx_writes() -> None:  # appends a record every 10 ms, through both looks of the run
        with growing.open("ab") as writer:
            while not stop.wait(0.01):
                written.append(avaya_record(20 + len(written)))
                writer.write(written[-1])
                writer.flush()

    writer = threading.Thread(target=pbx_writes)
    writer.start()
    try:
        first = _materialize_landing(locations, settle_seconds=0.3)
    finally:
        stop.set()
        writer.join()
    assert [f.original_name for f in read_manifest(landing)] == ["day1.csv"]
    assert (first["new_files"], first["not_complete"]) == (1, 2)  # day3 grew, day2 is still uploading

    (drop / "day2.csv.uploading").rename(drop / "day2.csv")  # the uploader's final rename
    second = _materialize_landing(locations, settle_seconds=0.3)
    assert (second["new_files"], second["not_complete"]) == (2, 0)
    by_name = {f.original_name: landing / f.landed_path for f in read_manifest(landing)}
    assert sorted(by_name) == ["day1.csv", "day2.csv", "day3.csv"]
    assert by_name["day3.csv"].read_bytes() == b"".join(written)  # whole, as the writer left it
    assert by_name["day1.csv"].read_bytes() == done

    third = _materialize_landing(locations, settle_seconds=0.3)
    assert (third["new_files"], third["already_landed"], third["not_complete"]) == (0, 0, 0)
    assert len(read_manifest(landing)) == 3
