"""Records counted once: every format's record identity, duplicates kept in raw and out of the legs.

For each of the 15 formats (records written by tests/record_layouts.py from the format's
own layout): a record repeated in the same file, and again in a second file with more
lines, reaches raw three more times, each flagged as a duplicate of the first
(``_duplicate_of``, ``raw.record_duplicates``), and staging's ``raw_records`` filter keeps
it once; the bulk and the per-file path agree; a file landed earlier but loaded later is
the first. A TCP replay spooled after a collector restart and loaded in a later run is
counted once. Through the real pipeline (IP Office and Asterisk samples), a replayed
buffer loaded in a second run leaves fct_calls as it was: talk time and cost not doubled.
"""

from __future__ import annotations

import gzip
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from ingestion.collect.landing import land_source
from ingestion.collect.spool import ReplayGuard, Spool
from ingestion.config.company import Source
from ingestion.config.transports import SpoolSettings
from ingestion.formats import FORMATS
from ingestion.raw.load import load_pending
from tests.conftest import SAMPLES, run_ringledger, settings_under
from tests.record_layouts import RecordMaker, makers

MAKERS = makers()


def test_every_format_declares_its_record_identity():
    for fmt in FORMATS.values():
        identity = fmt.identity
        assert identity is not None, fmt.name
        assert identity.fields and set(identity.fields) <= set(fmt.columns), fmt.name
        assert len(identity.reason) > 20, fmt.name


def _other(maker: RecordMaker) -> dict:
    """The base record with a first identity field changed: another record of the same format."""
    field = FORMATS[maker.format].identity.fields[0]
    value = maker.base.get(field) or ""
    if maker.format == "nec_smdr":  # the body holds the times: another start millisecond
        s06 = maker.base["s06_start_end_time"]
        changed = s06[:14] + ("002" if s06[14:17] != "002" else "003") + s06[17:]
        return maker.with_(s06_start_end_time=changed)
    if field in ("date", "time_hour", "long_call", "call_type"):
        field = {"date": "ext", "time_hour": "calling_number", "long_call": "calling_party"}.get(
            field, "extension"
        )
        value = maker.base.get(field) or ""
    changed = (value[:-1] + ("7" if value[-1:] != "7" else "8")) if value else "7"
    return maker.with_(**{field: changed})


def _load(
    maker: RecordMaker, root: Path, files: dict[str, bytes], compress: bool = False
) -> duckdb.DuckDBPyConnection:
    drop = root / "drop"
    drop.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        if compress:
            (drop / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (drop / name).write_bytes(data)
    source = Source(name="pbx", site="site", format=maker.format, location=str(drop), pattern="*")
    land_source(source, root / "landing")
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    orders = {"pbx": maker.columns} if maker.columns else None
    load_pending(con, root / "landing", {maker.format}, None, orders, {"pbx": maker.rules})
    return con


def _rows(con: duckdb.DuckDBPyConnection, fmt: str) -> list[tuple]:
    """(file's original name, record number, first's name:line or None) of every raw row, one per record."""
    return con.execute(
        f"""SELECT DISTINCT split_part(files.original_name, '.gz', 1), raw._record_no,
                   split_part(first.original_name, '.gz', 1) || ':' || split_part(raw._duplicate_of, ':', 2)
            FROM raw.{fmt} AS raw
            JOIN raw.loaded_files AS files ON files.sha256 = raw._file_sha256
            LEFT JOIN raw.loaded_files AS first ON first.sha256 = split_part(raw._duplicate_of, ':', 1)
            ORDER BY 1, 2"""
    ).fetchall()


def _line_of(maker: RecordMaker, index: int) -> int:
    """The record number of the index-th record (0-based) of a file written by the maker."""
    if maker.separator == b"":
        return index + 1
    return maker.header.count(b"\n") + maker.render(maker.base).count(b"\n") * index + index + 1


@pytest.mark.parametrize("compress", [False, True], ids=["bulk", "per_file"])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_record_repeated_in_one_file_and_in_a_longer_second_file_is_kept_flagged_and_counted_once(
    fmt: str, compress: bool, tmp_path: Path
):
    maker = MAKERS[fmt]
    a, b = maker.render(maker.base), maker.render(_other(maker))
    con = _load(maker, tmp_path / "run1", {"one.cdr": maker.file([a, a])}, compress)
    shutil.copytree(tmp_path / "run1", tmp_path / "run2", dirs_exist_ok=True)
    con.close()
    # the day exported again with more lines, in a later run: b is new, a is seen again twice
    con = _load(maker, tmp_path / "run2", {"two.cdr": maker.file([a, b, a])}, compress)
    first = f"one.cdr:{_line_of(maker, 0)}"
    assert _rows(con, fmt) == [
        ("one.cdr", _line_of(maker, 0), None),
        ("one.cdr", _line_of(maker, 1), first),
        ("two.cdr", _line_of(maker, 0), first),
        ("two.cdr", _line_of(maker, 1), None),
        ("two.cdr", _line_of(maker, 2), first),
    ]
    listed = con.execute(
        "SELECT count(DISTINCT (file_sha256, record_no)) FROM raw.record_duplicates WHERE format = ?", [fmt]
    ).fetchall()[0][0]
    assert listed == 3
    # what staging reads (macro raw_records): a once and b once
    kept = con.execute(
        f"SELECT count(DISTINCT (_file_sha256, _record_no)) FROM raw.{fmt} WHERE _duplicate_of IS NULL"
    ).fetchall()[0][0]
    assert kept == 2


def test_the_earliest_landed_file_is_the_first_even_when_it_loads_later(tmp_path: Path):
    """A .gz file takes the per-file path, after the bulk group: it landed first, so it stays first."""
    maker = MAKERS["asterisk_cdr_csv"]
    a = maker.render(maker.base)
    drop = tmp_path / "drop"
    drop.mkdir()
    source = Source(name="pbx", site="site", format=maker.format, location=str(drop), pattern="*")
    (drop / "early.cdr.gz").write_bytes(gzip.compress(maker.file([a])))
    land_source(source, tmp_path / "landing")
    time.sleep(1.1)  # landing times are to the second
    (drop / "late.cdr").write_bytes(maker.file([a]))
    land_source(source, tmp_path / "landing")
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    load_pending(con, tmp_path / "landing", {maker.format})
    assert _rows(con, maker.format) == [("early.cdr", 1, None), ("late.cdr", 1, "early.cdr:1")]


def test_a_tcp_replay_spooled_after_a_restart_and_loaded_in_a_later_run_is_counted_once(tmp_path: Path):
    """IP Office re-sends its buffer on reconnect; the spool's replay window was lost (size 1)."""
    maker = MAKERS["avaya_ipoffice_smdr"]
    records = [maker.render(maker.base) + b"\r\n", maker.render(_other(maker)) + b"\r\n"]
    source = Source(
        name="pbx", site="site", format=maker.format, location=str(tmp_path / "unused"), pattern="*"
    )
    settings = SpoolSettings(replay_window=1)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    for run, sent in enumerate((records, [*records, maker.render(maker.with_(call_id="424242")) + b"\r\n"])):
        spool = Spool(tmp_path / "spool", source, tmp_path / "landing", settings)
        spool.open()
        spool.append(sent, ReplayGuard(replaying=False))
        spool.close()  # rotates into landing
        load_pending(con, tmp_path / "landing", {maker.format})
        kept = con.execute(f"SELECT count(*) FROM raw.{maker.format} WHERE _duplicate_of IS NULL").fetchall()
        assert kept[0][0] == 2 + run
    total = con.execute(f"SELECT count(*) FROM raw.{maker.format}").fetchall()[0][0]
    assert total == 5  # every byte received is kept in raw


# --- through the real pipeline -------------------------------------------------------------------

PIPELINE_SITES = {
    "ipoffice": {
        "format": "avaya_ipoffice_smdr",
        "timezone": "Europe/London",
        "country": "GB",
        "trunks": ["LINE 5", "LINE 1", "Line 1"],
        "files": ["avaya_ipoffice_smdr/avaya_kb_smdr_examples.csv"],
    },
    "custom": {
        "format": "asterisk_cdr_csv",
        "timezone": "Europe/Berlin",
        "country": "DE",
        "trunks": ["SIP/carrierA"],
        "files": ["asterisk_cdr_csv/mineevburyat_Master_newcdrcolumns_masked.csv"],
    },
}


def _facts(settings) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        columns = [
            c
            for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() "
                "WHERE table_name = 'fct_calls' AND schema_name = 'marts'"
            ).fetchall()
            if not c.endswith("loaded_at") and c not in ("dbt_updated_at",)
        ]
        return con.execute(f"SELECT {', '.join(columns)} FROM marts.fct_calls ORDER BY call_id").fetchall()
    finally:
        con.close()


def _totals(settings) -> tuple:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(
            "SELECT count(*), sum(talk_seconds), sum(leg_count) FROM marts.fct_calls"
        ).fetchall()[0]
    finally:
        con.close()


@pytest.mark.slow
def test_a_replayed_buffer_leaves_the_call_facts_as_they_were(tmp_path: Path):
    from tests.dbt_project.test_formats_calls_end_to_end import _dial_plan, build_input

    sites = {
        "ipoffice": {**PIPELINE_SITES["ipoffice"], "dial_plan": _dial_plan("44", "1707", access="9")},
        "custom": {**PIPELINE_SITES["custom"], "dial_plan": _dial_plan("49", "30")},
    }
    root = build_input(tmp_path / "input", sites)
    settings = settings_under(tmp_path / "home", root)
    run_ringledger(settings, "pipeline", dagster_home=tmp_path / "home" / "dagster")
    before, totals = _facts(settings), _totals(settings)
    assert totals[0] > 3
    # The PBXes replay their buffers: every record again, in files of their own (one of them with
    # a record written twice), landed and loaded by a second, incremental run.
    for site in sites.values():
        sample = SAMPLES / site["files"][0]
        lines = sample.read_bytes().splitlines(keepends=True)
        folder = root / "pbx" / next(k for k, v in sites.items() if v is site)
        (folder / f"replay-{sample.name}").write_bytes(b"".join([lines[0], *lines]))
    run_ringledger(settings, "pipeline", dagster_home=tmp_path / "home" / "dagster")
    assert _totals(settings) == totals
    assert _facts(settings) == before
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    daily = con.execute(
        "SELECT source_name, sum(duplicate_records) FROM marts.rpt_duplicate_records_daily "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    con.close()
    expected = sorted(
        (f"{k}-pbx", len(SAMPLES.joinpath(v["files"][0]).read_bytes().splitlines()) + 1)
        for k, v in sites.items()
    )
    assert daily == expected
