"""Line and framed formats: fixed-width fields cut by DuckDB over the whole file, framed ones by code.

Fixed width: the file is split into lines with Arrow (offsets kept), every line
is classified in one SQL pass (record, page header to skip, date record, bad),
fields are ``substr`` expressions and a date record's date is carried forward
with a window function. Formats whose records are cut by framing (length
prefixes, STX/ETX) or split by code (JSON nesting, section chains) build the
same line table from their frames.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.formats.definition import FixedWidth, FormatDefinition, Framed, RecordError
from ingestion.readers import BAD, STAGED, Staging, create_bad_table, quote_ident, sql_str, stage_rows
from ingestion.text_decoding import codec_name, decode_line, is_ascii_compatible

# Lines as text: UTF-8 checked per line (NULL when invalid), CR stripped.
CHUNK_BYTES = 32 << 20
LINES_SQL = "SELECT line, byte_offset, rtrim(try(decode(raw::BLOB)), chr(13)) AS text FROM ringledger_arrow"


def stage_fixed_width(
    con: duckdb.DuckDBPyConnection, fmt: FormatDefinition, path: Path, encoding: str
) -> Staging:
    """Cut every line of ``path`` at the format's positions; see the module docstring."""
    layout = fmt.layout
    assert isinstance(layout, FixedWidth)
    kind = _classify_sql(layout)
    fields = ", ".join(
        f"trim(substr(text, {f.start}, {f.end - f.start + 1})) AS {quote_ident(f.name)}"
        for f in layout.fields
    )
    carried = ""
    if layout.date_record:
        carried = (
            f", last_value(date_value IGNORE NULLS) OVER (ORDER BY line ROWS UNBOUNDED PRECEDING)"
            f" AS {quote_ident(layout.date_record.column)}"
        )
    date_value = (
        f"regexp_extract(text, {sql_str(_full(layout.date_record.pattern))}, 1)"
        if layout.date_record
        else "NULL"
    )
    for number, table in enumerate(_line_tables(layout, path, encoding)):
        con.register("ringledger_arrow", table)
        con.execute(
            f"""{"INSERT INTO" if number else "CREATE OR REPLACE TEMP TABLE"} ringledger_classified
                {"" if number else "AS"}
                SELECT *, {kind} AS kind, CASE WHEN {kind} = 'date' THEN {date_value} END AS date_value
                FROM ({LINES_SQL})"""
        )
        con.unregister("ringledger_arrow")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {STAGED} AS
            SELECT * EXCLUDE (kind) FROM (
                SELECT {fields}{carried}, line AS _record_no, kind FROM ringledger_classified
            ) WHERE kind = 'record' ORDER BY _record_no"""
    )
    create_bad_table(con)
    con.execute(
        f"""INSERT INTO {BAD}
            SELECT line, byte_offset, text, CASE kind
                WHEN 'undecodable' THEN 'INVALID ENCODING: not valid ' || {sql_str(codec_name(encoding))}
                ELSE 'TOO SHORT: ' || length(text) || ' characters, expected at least {layout.min_length}'
                END
            FROM ringledger_classified WHERE kind IN ('undecodable', 'short')"""
    )
    skipped = con.execute(
        "SELECT count(*) FROM ringledger_classified WHERE kind IN ('skip', 'date')"
    ).fetchone()
    con.execute("DROP TABLE ringledger_classified")
    return Staging(skipped_lines=skipped[0])


def stage_framed(con: duckdb.DuckDBPyConnection, fmt: FormatDefinition, path: Path, encoding: str) -> Staging:
    """Cut records with the format's framing code and split each with its parser."""
    layout = fmt.layout
    assert isinstance(layout, Framed)
    rows: dict[str, list] = {c: [] for c in (*fmt.columns, "_record_no")}
    bad: list[tuple[int, int, str, str]] = []
    name = codec_name(encoding)
    for number, offset, raw in layout.frames(path.read_bytes()):
        try:
            text = raw.decode(name)
            parsed = layout.parse(text)
        except UnicodeDecodeError as exc:
            bad.append(
                (number, offset, decode_line(raw, encoding), f"INVALID ENCODING: {exc.reason} at {exc.start}")
            )
            continue
        except RecordError as exc:
            bad.append((number, offset, text, f"UNPARSABLE RECORD: {exc}"))
            continue
        for row in parsed:
            for column in fmt.columns:
                rows[column].append(row.get(column))
            rows["_record_no"].append(number)
    stage_rows(con, rows, bad)
    return Staging()


def _line_tables(layout: FixedWidth, path: Path, encoding: str) -> Iterator[pa.Table]:
    """The file's lines (or frames) as Arrow tables, CHUNK_BYTES of whole lines at a time.

    Chunks keep memory to a few chunks' worth however large the file; framed and
    multi-byte-newline files are read whole.
    """
    if layout.deframe or not is_ascii_compatible(encoding):
        data = path.read_bytes()
        yield _frames_table(layout.deframe(data)) if layout.deframe else _lines_table(data, encoding)
        return
    first_line, first_offset, rest = 1, 0, b""
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK_BYTES)
            data = rest + chunk
            if not chunk:
                if data:
                    yield _lines_table(data, encoding, first_line, first_offset)
                return
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                rest = data  # no whole line yet
                continue
            yield _lines_table(data[:cut], encoding, first_line, first_offset)
            first_line += data.count(b"\n", 0, cut)
            first_offset += cut
            rest = data[cut:]


def _lines_table(data: bytes, encoding: str, first_line: int = 1, first_offset: int = 0) -> pa.Table:
    """Every line of the file with its number and 0-based byte offset, split by Arrow in one pass."""
    raw = pc.list_flatten(pc.split_pattern(pa.array([data], pa.large_binary()), b"\n"))
    lengths = pc.add(pc.binary_length(raw), 1)
    offsets = pc.add(pc.subtract(pc.cumulative_sum(lengths), lengths), first_offset)
    numbers = pa.array(range(first_line, first_line + len(raw)), pa.int64())
    if data.endswith(b"\n"):  # the split leaves an empty piece after the final newline
        raw, offsets, numbers = raw[:-1], offsets[:-1], numbers[:-1]
    name = codec_name(encoding)
    if name not in ("utf-8", "ascii"):
        text = data.decode(name, errors="replace").encode("utf-8")
        converted = pc.list_flatten(pc.split_pattern(pa.array([text], pa.large_binary()), b"\n"))
        if is_ascii_compatible(name) and len(converted) >= len(raw):
            raw = converted[: len(raw)]
    return pa.table({"line": numbers, "byte_offset": pc.cast(offsets, pa.int64()), "raw": raw})


def _frames_table(frames) -> pa.Table:
    numbers, offsets, raws = [], [], []
    for number, offset, raw in frames:
        numbers.append(number)
        offsets.append(offset)
        raws.append(raw)
    return pa.table(
        {
            "line": pa.array(numbers, pa.int64()),
            "byte_offset": pa.array(offsets, pa.int64()),
            "raw": pa.array(raws, pa.large_binary()),
        }
    )


def _full(pattern: str) -> str:
    return f"^(?:{pattern})$"


def _classify_sql(layout: FixedWidth) -> str:
    """A CASE expression naming what each line is: record, skip, date, short or undecodable."""
    whens = ["WHEN text IS NULL THEN 'undecodable'", "WHEN trim(text, ' \f\t') = '' THEN 'skip'"]
    whens += [f"WHEN regexp_matches(text, {sql_str(_full(p))}) THEN 'skip'" for p in layout.skip_patterns]
    if layout.date_record:
        whens.append(f"WHEN regexp_matches(text, {sql_str(_full(layout.date_record.pattern))}) THEN 'date'")
    whens.append(f"WHEN length(text) < {layout.min_length} THEN 'short'")
    return "CASE " + " ".join(whens) + " ELSE 'record' END"
