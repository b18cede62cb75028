"""Landing and raw loading on real Asterisk samples: exactly once, lineage, quarantine."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.collect.landing import land_source, read_manifest, sha256_of
from ingestion.config.company import Source
from ingestion.raw.load import load_pending
from tests.conftest import SAMPLES

ASTERISK_SAMPLES = sorted((SAMPLES / "asterisk_cdr_csv").glob("*.csv"))


def _lines(path: Path) -> int:
    return len(path.read_bytes().splitlines())


@pytest.fixture
def drop_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    for sample in ASTERISK_SAMPLES:
        shutil.copy(sample, folder / sample.name)
    return folder


@pytest.fixture
def source(drop_folder: Path) -> Source:
    return Source(
        name="pbx1",
        site="berlin",
        format="asterisk_cdr_csv",
        location=str(drop_folder),
        pattern="*.csv",
    )


def test_landing_copies_each_file_once_with_its_hash(source: Source, drop_folder: Path, tmp_path: Path):
    landing = tmp_path / "landing"
    first = land_source(source, landing)
    assert len(first.landed) == len(ASTERISK_SAMPLES)
    for entry in first.landed:
        copy = landing / entry.landed_path
        original = drop_folder / entry.original_name
        assert copy.read_bytes() == original.read_bytes()
        assert entry.sha256 == sha256_of(original) and entry.size == original.stat().st_size
        assert not os.access(copy, os.W_OK) or os.geteuid() == 0  # read-only (root may write anyway)
        assert copy.stat().st_mode & 0o222 == 0

    # The same bytes again, under another name, land nothing new.
    shutil.copy(ASTERISK_SAMPLES[0], drop_folder / "renamed-copy.csv")
    second = land_source(source, landing)
    assert second.landed == []
    assert len(second.duplicates) == len(ASTERISK_SAMPLES) + 1
    assert len(read_manifest(landing)) == len(ASTERISK_SAMPLES)


def test_raw_load_keeps_every_record_with_lineage_and_loads_once(source: Source, tmp_path: Path):
    landing = tmp_path / "landing"
    land_source(source, landing)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    loads = load_pending(con, landing, {"asterisk_cdr_csv"})
    assert {Path(x.landed_path).name.split("--", 1)[1] for x in loads} == {p.name for p in ASTERISK_SAMPLES}
    expected = sum(_lines(p) for p in ASTERISK_SAMPLES)
    # Nothing is lost: every line is a raw record. The 8 lines whose caller names (clid) hold
    # non-UTF-8 bytes while the source says utf-8 are kept: the name with U+FFFD for each bad
    # byte, flagged, and the name's bytes as written kept in raw.replaced_text.
    assert sum(x.records for x in loads) == expected and sum(x.quarantined for x in loads) == 0
    sample = SAMPLES / "asterisk_cdr_csv" / "mineevburyat_Master_newcdrcolumns_masked.csv"
    raw_bytes = sample.read_bytes()
    replaced = con.execute(
        "SELECT r.line, r.field, r.original, a.clid, a._flags FROM raw.replaced_text AS r "
        "JOIN raw.asterisk_cdr_csv AS a ON a._file_sha256 = r.file_sha256 AND a._record_no = r.line"
    ).fetchall()
    assert len(replaced) == 8
    for line, field, original, clid, flags in replaced:
        assert (field, flags) == ("clid", "text_replaced:clid")
        assert original.replace(b'"', b'""') in raw_bytes.splitlines()[line - 1] and "\ufffd" in clid
        # each byte that is not UTF-8 is one U+FFFD, the rest is the name as written
        assert clid == re.sub("[\udc80-\udcff]", "\ufffd", original.decode("utf-8", "surrogateescape"))
    loaded = expected
    assert con.execute("SELECT count(*) FROM raw.asterisk_cdr_csv").fetchone()[0] == loaded

    # Lineage: record n of a file is line n of the file as the PBX wrote it.
    digest = sha256_of(sample)
    row = con.execute(
        'SELECT src, linkedid, "sequence" FROM raw.asterisk_cdr_csv '
        "WHERE _file_sha256 = ? AND _record_no = 3",
        [digest],
    ).fetchone()
    third_line = sample.read_bytes().splitlines()[2].decode("utf-8", "replace")
    assert f'"{row[0]}"' in third_line and f'"{row[1]}"' in third_line and third_line.endswith(f",{row[2]}")

    # 18-column files leave the newcdrcolumns empty rather than failing.
    assert con.execute(
        "SELECT count(*) FROM raw.asterisk_cdr_csv WHERE _file_sha256 = ? AND linkedid IS NULL",
        [sha256_of(SAMPLES / "asterisk_cdr_csv" / "testsuite_cdrlib_good.csv")],
    ).fetchone()[0] == _lines(SAMPLES / "asterisk_cdr_csv" / "testsuite_cdrlib_good.csv")

    # Every record's number is its line: the line holds the record's linkedid and sequence.
    lines = sample.read_bytes().splitlines()
    for record_no, linkedid, sequence in con.execute(
        'SELECT _record_no, linkedid, "sequence" FROM raw.asterisk_cdr_csv WHERE _file_sha256 = ?',
        [digest],
    ).fetchall():
        assert lines[record_no - 1].endswith(f'"{linkedid}",{sequence}'.encode())

    # Loading again adds nothing.
    assert load_pending(con, landing, {"asterisk_cdr_csv"}) == []
    assert con.execute("SELECT count(*) FROM raw.asterisk_cdr_csv").fetchone()[0] == loaded


def test_a_source_in_latin1_loads_its_non_utf8_names(tmp_path: Path):
    sample = SAMPLES / "asterisk_cdr_csv" / "mineevburyat_Master_newcdrcolumns_masked.csv"
    source = Source(
        name="pbx1",
        site="s",
        format="asterisk_cdr_csv",
        location=str(sample.parent),
        pattern=sample.name,
        encoding="latin-1",
    )
    landing = tmp_path / "landing"
    land_source(source, landing)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    (load,) = load_pending(con, landing, {"asterisk_cdr_csv"}, {"pbx1": "latin-1"})
    assert (load.records, load.quarantined) == (_lines(sample), 0)


def test_bad_records_are_quarantined_and_the_rest_loads(tmp_path: Path):
    folder = tmp_path / "drop"
    folder.mkdir()
    good = (SAMPLES / "asterisk_cdr_csv" / "testsuite_cdrlib_good.csv").read_bytes().splitlines()
    bad_line = b'"too","many",' + b",".join(b'"x"' for _ in range(25))
    (folder / "Master.csv-1").write_bytes(b"\n".join([good[0], bad_line, good[1]]) + b"\n")
    source = Source(name="pbx1", site="s", format="asterisk_cdr_csv", location=str(folder), pattern="Master*")
    landing = tmp_path / "landing"
    land_source(source, landing)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    (load,) = load_pending(con, landing, {"asterisk_cdr_csv"})
    assert (load.records, load.quarantined) == (2, 1)
    line, offset, raw, reason, path = con.execute(
        "SELECT line, byte_offset, raw_record, reason, landed_path FROM raw.quarantine"
    ).fetchone()
    assert line == 2 and offset == len(good[0]) + 1
    assert raw == bad_line.decode() and "TOO MANY COLUMNS" in reason
    assert path == load.landed_path
    # Records keep their line numbers around the quarantined one.
    assert con.execute("SELECT _record_no FROM raw.asterisk_cdr_csv ORDER BY 1").fetchall() == [(1,), (3,)]
    assert con.execute("SELECT records, quarantined FROM raw.loaded_files").fetchone() == (2, 1)
