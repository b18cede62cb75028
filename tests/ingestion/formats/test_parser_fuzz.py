"""Property-based fuzzing of every format's parser, through the real loader into a real DuckDB file.

Records are generated from each format's own layout (``tests.record_layouts``: a real
record of the format with fields given random values), then mutated the ways PBX output
goes wrong: cut short, run into the next, bytes flipped, fields swapped, a field made
huge. The file is landed and loaded by ``load_pending``. Whatever the input: no exception
escapes, and every record is accounted for: it is in raw or quarantined with a reason and
a field, never both, and records in raw + quarantined + lines the reader skips on purpose
(headers, date records) = the records written as the format's own framing cuts the file;
a file quarantined whole counts for all of them. Bounded: a few examples per format, with
a deadline, so the file runs in about a minute.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingestion.collect.landing import land_source
from ingestion.config.company import Source
from ingestion.formats import FORMATS
from ingestion.formats.definition import Delimited
from ingestion.raw.load import load_pending
from tests.record_layouts import RecordMaker, frame_count, makers

pytestmark = pytest.mark.reliability

MAKERS = makers()
FUZZ = settings(
    max_examples=6,
    deadline=timedelta(seconds=30),
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Values a field may be given: what PBXes write, what they write wrong, and noise.
VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "18446744073709551615",
            "2026-02-30 10:00:00",
            "2026-02-28 25:00:00",
            "2026/02/28 23:59:59",
            "25:00:00",
            "00:00'00",
            "=SUM(A1)",
            "+4930123",
            "@x",
            "ANSWERED",
        ]
    ),
    st.integers(min_value=-(10**6), max_value=10**12).map(str),
    st.text(max_size=24),
)
MUTATIONS = ("none", "truncate", "merge", "flip", "swap", "huge")


def _record(data: st.DataObject, maker: RecordMaker) -> bytes:
    fields = [f for f in maker.base if f not in ("body", "record_type")]
    chosen = data.draw(st.lists(st.sampled_from(fields), max_size=3, unique=True), label="fields")
    record = {**maker.base, **{f: data.draw(VALUES, label=f) for f in chosen}}
    return maker.render(record)


def _mutate(data: st.DataObject, maker: RecordMaker, records: list[bytes]) -> list[bytes]:
    out = list(records)
    for _ in range(data.draw(st.integers(0, 3), label="mutations")):
        i = data.draw(st.integers(0, len(out) - 1), label="record")
        line = out[i]
        kind = data.draw(st.sampled_from(MUTATIONS), label="mutation")
        if kind == "truncate" and line:
            out[i] = line[: data.draw(st.integers(0, len(line) - 1), label="cut")]
        elif kind == "merge" and i + 1 < len(out):
            out[i : i + 2] = [out[i] + out[i + 1]]
        elif kind == "flip" and line:
            at = data.draw(st.integers(0, len(line) - 1), label="at")
            out[i] = line[:at] + bytes([data.draw(st.integers(0, 255), label="byte")]) + line[at + 1 :]
        elif kind == "swap" and len(line) > 2:
            a, b = sorted(
                data.draw(st.lists(st.integers(0, len(line)), min_size=2, max_size=2), label="cuts")
            )
            out[i] = line[b:] + line[a:b] + line[:a]
        elif kind == "huge" and line:
            at = data.draw(st.integers(0, len(line) - 1), label="at")
            out[i] = line[:at] + line[at : at + 8] * 500 + line[at:]
    return out


def _load(maker: RecordMaker, body: bytes, folder: Path):
    drop = folder / "drop"
    drop.mkdir()
    (drop / "fuzzed.cdr").write_bytes(body)
    source = Source(name="pbx", site="site", format=maker.format, location=str(drop), pattern="*")
    land_source(source, folder / "landing")
    con = duckdb.connect(str(folder / "warehouse.duckdb"))
    orders = {"pbx": maker.columns} if maker.columns else None
    (load,) = load_pending(con, folder / "landing", {maker.format}, None, orders, {"pbx": maker.rules})
    return con, load


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@FUZZ
@given(data=st.data())
def test_a_fuzzed_file_loads_every_record_or_quarantines_it_with_a_reason(fmt: str, data: st.DataObject):
    maker = MAKERS[fmt]
    records = [_record(data, maker) for _ in range(data.draw(st.integers(1, 6), label="records"))]
    body = maker.file(_mutate(data, maker, records))
    with tempfile.TemporaryDirectory(prefix="ringledger-fuzz-") as folder:
        con, load = _load(maker, body, Path(folder))
        spans = _record_spans(con, fmt)
        quarantine = con.execute("SELECT line, reason, field FROM raw.quarantine").fetchall()
        con.close()
    assert all(reason and field for _, reason, field in quarantine), quarantine
    lines = {line for line, _, _ in quarantine}
    if 0 in lines:  # quarantined whole: one row for the file, nothing in raw
        assert len(quarantine) == 1 and not spans, (quarantine, spans)
        return
    assert not set(spans) & lines, set(spans) & lines
    assert len(lines) == len(quarantine)  # one row per record
    if isinstance(FORMATS[fmt].layout, Delimited):
        # A quoted field may hold a newline: such a record covers the lines its text spans.
        covered = {n for start, extra in spans.items() for n in range(start, start + extra + 1)}
        numbers = _record_lines(body, load.skipped_lines)
        assert numbers <= covered | lines, sorted(numbers - covered - lines)
        assert len(spans) + len(lines) <= len(numbers)
    else:
        written = frame_count(fmt, body, maker)
        assert len(spans) + len(lines) + load.skipped_lines == written, (
            len(spans),
            len(lines),
            load,
            written,
        )


def _record_spans(con: duckdb.DuckDBPyConnection, fmt: str) -> dict[int, int]:
    """{record number: newlines its values hold} of the records in raw."""
    columns = FORMATS[fmt].columns
    newlines = " + ".join(
        f'coalesce(length("{c}") - length(replace("{c}", chr(10), \'\')), 0)' for c in columns
    )
    rows = con.execute(
        f"SELECT _record_no, max({newlines}) FROM {FORMATS[fmt].raw_table} GROUP BY _record_no"
    ).fetchall()
    return dict(rows)


def _record_lines(body: bytes, skipped: int) -> set[int]:
    """Numbers of the lines that are not blank, after the ``skipped`` header lines."""
    return {n for n, line in enumerate(body.split(b"\n"), start=1) if n > skipped and line.rstrip(b"\r")}
