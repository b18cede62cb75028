"""Compressed files that stay incomplete: never held back for ever, never lost, never counted twice.

A ``.gz``/``.zst`` file that has stopped changing but does not decode to its end lands as received,
is quarantined whole by the raw load with the decoder's message, and shows in what ``ringledger
land``, the ``landed_files`` asset and ``ringledger collect --status`` report. One still growing
waits. A complete version under the same name lands and loads every record; the truncated one
stays quarantined. Real gzip and zstd bytes, cut where a writer would stop, of records made from
the real Avaya IP Office sample lines (each with a call id of its own).
"""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from backports import zstd

from ingestion.collect.file_poller import poll
from ingestion.collect.landing import read_manifest
from ingestion.collect.status import read_status
from ingestion.config.company import Source
from ingestion.raw.load import load_pending
from orchestration.defs.ingest import LandingConfig, landed_files
from orchestration.resources import LocationsResource
from tests.collector_support import wait_until, write_config
from tests.conftest import RINGLEDGER, SAMPLES, run_ringledger, settings_under

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(180)]

FORMAT = "avaya_ipoffice_smdr"
SAMPLE_LINES = (SAMPLES / "avaya_ipoffice_smdr" / "avaya_kb_smdr_examples.csv").read_bytes().splitlines()


def _record(number: int) -> bytes:
    """A real sample line with call id ``number`` (field 10), so that every record is another call."""
    fields = SAMPLE_LINES[number % len(SAMPLE_LINES)].split(b",")
    fields[9] = str(2_000_000 + number).encode()
    return b",".join(fields) + b"\r\n"


RECORDS = [_record(n) for n in range(600)]
CONTENT = b"".join(RECORDS)
COMPRESS: dict[str, Callable[[bytes], bytes]] = {".gz": gzip.compress, ".zst": zstd.compress}
DECODER_EOF = "Compressed file ended before the end-of-stream marker was reached"
CUT_SHORT = f"truncated or corrupt compressed file: {DECODER_EOF}"
AN_HOUR_AGO = time.time() - 3600


def _write(path: Path, data: bytes, mtime: float | None = None) -> None:
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def _sources_yaml(drop: Path) -> str:
    return f"""
sources:
  - name: drop
    site: hq
    format: {FORMAT}
    location: {drop}
    pattern: "*"
"""


def _name(landed_path: str) -> str:
    return Path(landed_path).name.split("--", 1)[1]


def _raw(con: duckdb.DuckDBPyConnection) -> tuple[int, int, list[tuple]]:
    """Raw records, distinct records, and every quarantine row (sha256, line, reason)."""
    records, distinct = con.execute(
        f"SELECT count(*), count(DISTINCT (_file_sha256, _record_no)) FROM raw.{FORMAT}"
    ).fetchall()[0]
    quarantine = con.execute("SELECT file_sha256, line, reason FROM raw.quarantine ORDER BY 1").fetchall()
    return records, distinct, quarantine


@pytest.mark.parametrize("suffix", sorted(COMPRESS))
def test_a_stable_truncated_file_is_quarantined_whole_and_its_complete_version_loads_once(
    tmp_path: Path, suffix: str
):
    drop, landing = tmp_path / "drop", tmp_path / "landing"
    drop.mkdir()
    source = Source(name="drop", site="hq", format=FORMAT, location=str(drop), pattern="*")
    packed = COMPRESS[suffix](CONTENT)
    path = drop / f"calls.csv{suffix}"

    _write(path, packed[: len(packed) // 4])
    first = poll(source, landing)
    _write(path, packed[: len(packed) // 2], mtime=path.stat().st_mtime + 1)  # still growing
    growing = poll(source, landing, first.state)
    assert first.landed == growing.landed == [] and growing.waiting == [path.name]

    stopped = poll(source, landing, growing.state)  # the writer stopped half way: two looks agree
    (cut,) = stopped.landed
    assert stopped.quarantined == [cut] and cut.quarantine_reason == CUT_SHORT
    assert (landing / cut.landed_path).read_bytes() == packed[: len(packed) // 2]  # every byte kept
    assert read_manifest(landing) == [cut]
    assert poll(source, landing, stopped.state).landed == []  # taken: not landed again

    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    (load,) = load_pending(con, landing, {FORMAT})
    assert (load.records, load.quarantined) == (0, 1)
    ((sha, line, reason),) = _raw(con)[2]
    assert (sha, line) == (cut.sha256, 0) and reason.endswith(CUT_SHORT), reason

    _write(path, packed, mtime=path.stat().st_mtime + 2)  # the complete version, same name
    seen = poll(source, landing, stopped.state)
    whole_look = poll(source, landing, seen.state)
    (whole,) = whole_look.landed
    assert seen.landed == [] and whole_look.quarantined == [] and whole.quarantine_reason is None
    (load,) = load_pending(con, landing, {FORMAT})
    assert (load.records, load.quarantined) == (len(RECORDS), 0)
    assert load_pending(con, landing, {FORMAT}) == []
    records, distinct, quarantine = _raw(con)
    assert records == distinct == len(RECORDS)  # counted against what was written, once
    assert [(s, n) for s, n, _ in quarantine] == [(cut.sha256, 0)]  # the truncated one stays quarantined


def test_a_corrupt_gzip_is_quarantined_whole_with_the_decoders_message(tmp_path: Path):
    drop, landing = tmp_path / "drop", tmp_path / "landing"
    drop.mkdir()
    source = Source(name="drop", site="hq", format=FORMAT, location=str(drop), pattern="*")
    _write(drop / "calls.csv.gz", CONTENT, mtime=AN_HOUR_AGO)  # plain text under a .gz name
    (entry,) = poll(source, landing, quiet_seconds=60).quarantined
    expected = "truncated or corrupt compressed file: Not a gzipped file (b'20')"
    assert entry.quarantine_reason == expected
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    load_pending(con, landing, {FORMAT})
    ((_, line, reason),) = _raw(con)[2]
    assert line == 0 and reason.endswith(expected)


def test_ringledger_land_and_collect_status_name_the_file_and_its_reason(tmp_path: Path):
    drop = tmp_path / "drop"
    drop.mkdir()
    input_dir = write_config(tmp_path / "input", _sources_yaml(drop))
    settings = settings_under(tmp_path / "home", input_dir)
    packed = gzip.compress(CONTENT)
    _write(drop / "day1.csv.gz", packed[:-9], mtime=AN_HOUR_AGO)  # the trailer never came
    _write(drop / "day2.csv", CONTENT[:500], mtime=AN_HOUR_AGO)

    landed = run_ringledger(settings, "land")
    assert "drop: 2 landed, 0 already there, 0 not complete, 1 to be quarantined whole" in landed
    assert f"  day1.csv.gz: {CUT_SHORT}" in landed
    status = run_ringledger(settings, "collect", "--status")
    (line,) = [line for line in status.splitlines() if "quarantined" in line]
    assert line.startswith("  quarantined day1.csv.gz, landed ") and line.endswith(CUT_SHORT)

    _write(drop / "day1.csv.gz", packed, mtime=AN_HOUR_AGO + 60)  # the whole file, same name
    assert "drop: 1 landed, 1 already there, 0 not complete, 0 to be quarantined whole" in run_ringledger(
        settings, "land"
    )
    status = run_ringledger(settings, "collect", "--status")
    assert f"{CUT_SHORT} (a version that decodes landed later)" in status


def test_the_file_collector_counts_and_shows_a_quarantined_file(tmp_path: Path):
    drop = tmp_path / "drop"
    drop.mkdir()
    input_dir = write_config(tmp_path / "input", _sources_yaml(drop))
    settings = settings_under(tmp_path / "home", input_dir)
    packed = zstd.compress(CONTENT)
    collector = subprocess.Popen(
        [RINGLEDGER, "collect", "--source", "drop", "--poll-seconds", "0.2"],
        env={**os.environ, **settings.as_env()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _write(drop / "calls.csv.zst", packed[: len(packed) // 3])  # and the writer dies
        wait_until(
            lambda: (read_status(settings.spool_dir, "drop") or {}).get("files_quarantined") == 1,
            timeout=60,
            what="the collector to land the truncated file",
        )
        (entry,) = read_manifest(settings.landing_dir)
        assert entry.original_name == "calls.csv.zst" and entry.quarantine_reason == CUT_SHORT
        status = run_ringledger(settings, "collect", "--status")
        assert f"  quarantined calls.csv.zst, landed {entry.landed_at}: {CUT_SHORT}" in status
    finally:
        collector.send_signal(signal.SIGTERM)
        assert collector.wait(timeout=30) == 0, collector.stderr.read().decode()[-2000:]


def test_the_landed_files_asset_reports_the_file_and_the_raw_load_quarantines_it(tmp_path: Path):
    drop, landing = tmp_path / "drop", tmp_path / "landing"
    drop.mkdir()
    input_dir = write_config(tmp_path / "input", _sources_yaml(drop))
    for suffix, compress in COMPRESS.items():
        packed = compress(CONTENT)
        _write(drop / f"cut{suffix}", packed[: len(packed) // 2], mtime=AN_HOUR_AGO)
    _write(drop / "whole.gz", gzip.compress(CONTENT), mtime=AN_HOUR_AGO)
    locations = LocationsResource(
        input_dir=str(input_dir), landing_dir=str(landing), published_dir=str(tmp_path / "pub")
    )
    result = dg.materialize(
        [landed_files],
        resources={"locations": locations},
        run_config=dg.RunConfig(ops={"landing__files": LandingConfig(settle_seconds=0.2)}),
    )
    (event,) = result.get_asset_materialization_events()
    metadata = {k: v.value for k, v in event.materialization.metadata.items()}
    assert (metadata["new_files"], metadata["not_complete"], metadata["quarantined_files"]) == (3, 0, 2)
    assert sorted(metadata["quarantined"].splitlines()) == [
        f"drop: cut.gz: {CUT_SHORT}",
        f"drop: cut.zst: {CUT_SHORT}",
    ]

    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    loads = load_pending(con, landing, {FORMAT})
    assert {_name(load.landed_path): (load.records, load.quarantined) for load in loads} == {
        "cut.gz": (0, 1),
        "cut.zst": (0, 1),
        "whole.gz": (len(RECORDS), 0),
    }
    records, distinct, quarantine = _raw(con)
    assert records == distinct == len(RECORDS)
    assert len(quarantine) == 2 and all(r.endswith(CUT_SHORT) and line == 0 for _, line, r in quarantine)
