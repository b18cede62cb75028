"""The raw load's fast ways: many delimited files in one scan (line numbers per file, and the
way back to file by file), and large staged files written without the batch copy.

Files are built from a real Asterisk cdr_csv sample line whose uniqueid is replaced by
"<file>.<line>", so every raw row says where it must have come from.
"""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest

from ingestion.collect.landing import land_source, read_manifest
from ingestion.config.company import Source
from ingestion.raw import load as raw_load
from ingestion.raw.bulk import group_files, load_group
from ingestion.raw.load import LOADED_FILES_SQL, ensure_raw_schema, load_pending
from ingestion.raw.readers import records
from tests.conftest import SAMPLES
from tests.format_samples import CASES, load_through_landing, parsed

SAMPLE = SAMPLES / "asterisk_cdr_csv" / "testsuite_cdrlib_good.csv"
LINE_FORMATS = [c for c in CASES if c.format in ("panasonic_smdr", "avaya_cm_cdr")]  # fixed width by lines
UNIQUEID = b'"1231977075.0"'


def _record(file_no: int, line_no: int) -> bytes:
    line = SAMPLE.read_bytes().splitlines()[0]
    assert UNIQUEID in line
    return line.replace(UNIQUEID, b'"%d.%d"' % (file_no, line_no)) + b"\n"


def _write_files(folder: Path, sizes: list[int]) -> None:
    folder.mkdir()
    for file_no, size in enumerate(sizes):
        lines = [_record(file_no, n) for n in range(1, size + 1)]
        (folder / f"Master-{file_no:03d}.csv").write_bytes(b"".join(lines))


def _land(tmp_path: Path, folder: Path) -> Path:
    source = Source(
        name="pbx", site="berlin", format="asterisk_cdr_csv", location=str(folder), pattern="*.csv"
    )
    landing = tmp_path / "landing"
    land_source(source, landing)
    return landing


def _rows_out_of_place(con: duckdb.DuckDBPyConnection, blank_line: tuple[int, int] = (-1, 0)) -> int:
    """Rows whose uniqueid "<file>.<n>" disagrees with their lineage (file name, line number).

    ``blank_line``: (file, line) of a blank line inserted after the records were numbered.
    """
    file_no, line = blank_line
    return con.execute(
        """WITH rows AS (
               SELECT uniqueid, _record_no,
                      regexp_extract(_landed_path, 'Master-(\\d+)', 1)::INT AS file_no
               FROM raw.asterisk_cdr_csv
           )
           SELECT count(*) FROM rows
           WHERE uniqueid <> file_no || '.' || (_record_no - (file_no = ? AND _record_no > ?)::INT)""",
        [file_no, line],
    ).fetchone()[0]


def test_one_scan_numbers_every_line_of_every_file(tmp_path: Path):
    sizes = [random.Random(3).randint(1, 400) for _ in range(120)]
    _write_files(tmp_path / "drop", sizes)
    landing = _land(tmp_path, tmp_path / "drop")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_raw_schema(con)
    candidates = [(f, landing / f.landed_path, "utf-8", None) for f in read_manifest(landing)]
    groups, rest = group_files(candidates)
    assert rest == [] and len(groups) == 1 and len(groups[0].files) == 120

    assert load_group(con, groups[0], LOADED_FILES_SQL) == []  # all of it went the fast way
    assert con.execute("SELECT count(*) FROM raw.asterisk_cdr_csv").fetchone()[0] == sum(sizes)
    assert _rows_out_of_place(con) == 0
    assert con.execute("SELECT count(*), sum(records) FROM raw.loaded_files").fetchone() == (120, sum(sizes))


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    _write_files(tmp_path / "drop", [50] * 30)
    return tmp_path / "drop"


def test_files_with_bad_or_blank_lines_go_file_by_file_and_the_rest_stays_fast(tmp_path: Path, drop: Path):
    bad, blank = drop / "Master-007.csv", drop / "Master-019.csv"
    lines = bad.read_bytes().splitlines(keepends=True)
    bad.write_bytes(b"".join(lines[:9] + [b'"unterminated,quote\n'] + lines[10:]))  # swallows line 11
    lines = blank.read_bytes().splitlines(keepends=True)
    blank.write_bytes(b"".join(lines[:20] + [b"\n"] + lines[20:]))
    landing = _land(tmp_path, drop)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_raw_schema(con)
    candidates = [(f, landing / f.landed_path, "utf-8", None) for f in read_manifest(landing)]
    (group,), _ = group_files(candidates)

    sent_back = load_group(con, group, LOADED_FILES_SQL)
    assert sorted(f.landed.original_name for f in sent_back) == ["Master-007.csv", "Master-019.csv"]
    assert con.execute("SELECT count(*) FROM raw.loaded_files").fetchone()[0] == 28

    # Through the whole load, the two come in by the per-file path with exact line numbers.
    con.close()
    con = duckdb.connect(str(tmp_path / "w2.duckdb"))
    loads = load_pending(con, landing, {"asterisk_cdr_csv"})
    assert sum(x.records for x in loads) == 30 * 50 - 1 and sum(x.quarantined for x in loads) == 1
    line, raw = con.execute("SELECT line, raw_record FROM raw.quarantine").fetchone()
    assert (line, raw) == (10, '"unterminated,quote')  # and line 11 is a record again
    assert _rows_out_of_place(con, blank_line=(19, 21)) == 0


def test_a_scan_that_fails_sends_the_whole_group_back_and_writes_nothing(tmp_path: Path, drop: Path):
    landing = _land(tmp_path, drop)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_raw_schema(con)
    candidates = [(f, landing / f.landed_path, "utf-8", None) for f in read_manifest(landing)]
    (group,), _ = group_files(candidates)
    group.files[3].path.chmod(0o644)
    group.files[3].path.unlink()  # gone between planning and scanning

    assert len(load_group(con, group, LOADED_FILES_SQL)) == 30
    assert con.execute("SELECT count(*) FROM raw.asterisk_cdr_csv").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM raw.loaded_files").fetchone()[0] == 0


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.format in ("panasonic_smdr", "avaya_cm_cdr", "nec_smdr")], ids=str
)
def test_large_staged_files_are_written_as_staged_with_the_same_rows(case, tmp_path: Path, monkeypatch):
    """Files past LARGE_FILE_RECORDS skip the batch copy; what lands in raw is the same."""
    small_con, _ = load_through_landing([SAMPLES / case.sample], case.format, tmp_path / "small")
    monkeypatch.setattr(raw_load, "LARGE_FILE_RECORDS", 1)
    large_con, _ = load_through_landing([SAMPLES / case.sample], case.format, tmp_path / "large")
    assert parsed(large_con, case.format) == parsed(small_con, case.format)
    assert parsed(large_con, case.format)["records"]
    lineage = f"SELECT DISTINCT _source, _file_sha256, _landed_path FROM raw.{case.format}"
    assert large_con.execute(lineage).fetchall() == small_con.execute(lineage).fetchall()


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.format in ("panasonic_smdr", "avaya_cm_cdr")], ids=str
)
def test_fixed_width_files_read_in_small_chunks_give_the_same_rows(case, tmp_path: Path, monkeypatch):
    """Lines cut into chunks (page headers, a date record carried across chunks) parse as one piece."""
    whole_con, _ = load_through_landing([SAMPLES / case.sample], case.format, tmp_path / "whole")
    monkeypatch.setattr(records, "CHUNK_BYTES", 97)  # a chunk boundary inside most lines
    chunked_con, _ = load_through_landing([SAMPLES / case.sample], case.format, tmp_path / "chunked")
    assert parsed(chunked_con, case.format) == parsed(whole_con, case.format)


def test_a_bad_line_caught_in_the_combined_scan_sends_back_only_its_file(tmp_path: Path, drop: Path):
    bad = drop / "Master-011.csv"
    lines = bad.read_bytes().splitlines(keepends=True)
    bad.write_bytes(b"".join(lines[:4] + [b'"a","b","c",' * 9 + b'"too many"\n'] + lines[5:]))
    landing = _land(tmp_path, drop)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_raw_schema(con)
    candidates = [(f, landing / f.landed_path, "utf-8", None) for f in read_manifest(landing)]
    (group,), _ = group_files(candidates)

    assert [f.landed.original_name for f in load_group(con, group, LOADED_FILES_SQL)] == ["Master-011.csv"]
    assert con.execute("SELECT count(*) FROM raw.asterisk_cdr_csv").fetchone()[0] == 29 * 50
    assert _rows_out_of_place(con) == 0
