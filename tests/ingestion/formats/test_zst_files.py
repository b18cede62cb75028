""".zst files: landed as received, loaded into raw as if they were plain, quarantined whole if truncated.

Written with ``backports.zstd`` (the project's zstd module: smart-open[zst] pins it; the
``zstandard`` package is not installed).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from backports import zstd

from ingestion.collect.file_poller import poll
from ingestion.config.company import Source
from ingestion.formats import compression
from tests.collector_support import avaya_record
from tests.conftest import SAMPLES
from tests.format_samples import load_through_landing, parsed

pytestmark = pytest.mark.timeout(60)
CONTENT = b"".join(avaya_record(n) for n in range(2000))
ASTERISK = SAMPLES / "asterisk_cdr_csv"


def test_a_stable_truncated_zst_lands_with_its_reason_and_its_whole_version_again(tmp_path: Path):
    folder, landing = tmp_path / "drop", tmp_path / "landing"
    folder.mkdir()
    packed = zstd.compress(CONTENT)
    source = Source(name="drop", site="hq", format="avaya_ipoffice_smdr", location=str(folder), pattern="*")
    cut = folder / "calls.csv.zst"
    cut.write_bytes(packed[: len(packed) // 2])  # stable, but the writer has not finished
    state = poll(source, landing).state
    truncated = poll(source, landing, state)
    (cut_entry,) = truncated.quarantined  # the writer stopped: landed as received, to be quarantined
    assert truncated.landed == [cut_entry] and cut_entry.quarantine_reason.startswith(
        "truncated or corrupt compressed file: "
    )

    cut.write_bytes(packed)  # finished: a new size, so two more looks must agree again
    state = poll(source, landing, truncated.state).state
    whole = poll(source, landing, state)
    (entry,) = whole.landed
    assert entry.quarantine_reason is None and entry.sha256 != cut_entry.sha256
    assert (landing / entry.landed_path).read_bytes() == packed  # as received, byte for byte
    with compression.open_decompressed(landing / entry.landed_path) as text:
        assert text.read() == CONTENT
    assert poll(source, landing, whole.state).landed == []


@pytest.mark.parametrize(
    ("sample", "encoding", "extra"),
    [
        ("testsuite_cdrlib_good.csv", "utf-8", b""),
        ("mineevburyat_Master_newcdrcolumns_masked.csv", "cp1251", b""),  # transcoded before the scan
        ("testsuite_self_test_Master.csv", "utf-8", b'\n"broken,"quote"x,1\n'),  # blank line, bad record
    ],
)
def test_a_landed_zst_loads_the_same_raw_rows_as_the_plain_file(
    tmp_path: Path, sample: str, encoding: str, extra: bytes
):
    data = (ASTERISK / sample).read_bytes() + extra
    plain, packed = tmp_path / "plain" / sample, tmp_path / "packed" / f"{sample}.zst"
    for path, content in ((plain, data), (packed, zstd.compress(data))):
        path.parent.mkdir()
        path.write_bytes(content)
    expected_con, (expected_load,) = load_through_landing(
        [plain], "asterisk_cdr_csv", tmp_path / "a", encoding
    )
    con, (load,) = load_through_landing([packed], "asterisk_cdr_csv", tmp_path / "b", encoding)
    assert load.landed_path.endswith(".zst") and (load.records, load.quarantined) == (
        expected_load.records,
        expected_load.quarantined,
    )
    assert load.records > 0 and load.quarantined == (1 if extra else 0)
    assert parsed(con, "asterisk_cdr_csv") == parsed(expected_con, "asterisk_cdr_csv")  # lines, offsets too


@pytest.mark.parametrize("suffix", [".zst", ".gz"])
def test_a_truncated_compressed_file_is_quarantined_whole(tmp_path: Path, suffix: str):
    data = (ASTERISK / "testsuite_cdrlib_good.csv").read_bytes()
    packed = zstd.compress(data) if suffix == ".zst" else gzip.compress(data)
    cut = tmp_path / "drop" / f"calls.csv{suffix}"
    cut.parent.mkdir()
    cut.write_bytes(packed[: len(packed) // 2])  # landed without the poller, e.g. by `ringledger land`
    con, (load,) = load_through_landing([cut], "asterisk_cdr_csv", tmp_path / "load")
    assert (load.records, load.quarantined) == (0, 1)  # DuckDB alone reads a cut .zst as 0 rows, silently
    ((line, reason),) = con.execute("SELECT line, reason FROM raw.quarantine").fetchall()
    decoder = "Compressed file ended before the end-of-stream marker was reached"
    assert line == 0 and reason.endswith(f"truncated or corrupt compressed file: {decoder}")
