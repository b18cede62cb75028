"""Line and framed formats: fixed-width fields cut by DuckDB over the whole file, framed ones by code.

Fixed width: the file is split into lines with Arrow (offsets kept), every line
is classified in one SQL pass (record, page header to skip, date record, bad),
fields are ``substr`` expressions and a date record's date is carried forward
with a window function. Formats whose records are cut by framing (length
prefixes, STX/ETX) or split by code (JSON nesting, section chains) build the
same line table from their frames.

A line (or frame) with bytes not valid in the source's encoding is decoded in Python
with each bad byte kept apart: in a free-text field it becomes U+FFFD, the record is
flagged ``text_replaced:<field>`` and the field's bytes are kept; in any other field
the record is quarantined with that field. The records are then checked against the
format's rules (``ingestion.raw.validation``) in one SQL pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.formats.definition import FixedWidth, FormatDefinition, Framed, RecordError
from ingestion.formats.text_decoding import codec_name, is_ascii_compatible
from ingestion.raw.readers import (
    BAD,
    ENCODING,
    FRAMING,
    LINE_LENGTH,
    STAGED,
    Staging,
    add_replaced,
    create_bad_table,
    decode_keeping_bad_bytes,
    has_bad_bytes,
    original_bytes,
    quote_ident,
    replaced_text,
    sql_str,
    stage_rows,
)
from ingestion.raw.readers.delimited_lines import bad_bytes_reason
from ingestion.raw.validation import DEFAULT_RULES, SourceRules, keep_valid

# Lines as text: UTF-8 checked per line (NULL when invalid, the bytes kept aside), CR stripped.
CHUNK_BYTES = 32 << 20
LINES = "ringledger_lines"
LINES_SQL = """SELECT line, byte_offset, rtrim(try(decode(raw::BLOB)), chr(13)) AS text,
                      CASE WHEN try(decode(raw::BLOB)) IS NULL THEN raw::BLOB END AS undecoded,
                      NULL::VARCHAR AS _flags, NULL::VARCHAR AS bad_field, NULL::VARCHAR AS bad_reason
               FROM ringledger_arrow"""


def stage_fixed_width(
    con: duckdb.DuckDBPyConnection,
    fmt: FormatDefinition,
    path: Path,
    encoding: str,
    rules: SourceRules = DEFAULT_RULES,
) -> Staging:
    """Cut every line of ``path`` at the format's positions; see the module docstring."""
    layout = fmt.layout
    assert isinstance(layout, FixedWidth)
    for number, table in enumerate(_line_tables(layout, path, encoding)):
        con.register("ringledger_arrow", table)
        verb = f"INSERT INTO {LINES}" if number else f"CREATE OR REPLACE TEMP TABLE {LINES} AS"
        con.execute(f"{verb} {LINES_SQL}")
        con.unregister("ringledger_arrow")
    create_bad_table(con)
    _decode_bad_bytes(con, fmt, layout, codec_name(encoding))
    kind = _classify_sql(layout)
    date_value = (
        f"regexp_extract(text, {sql_str(_full(layout.date_record.pattern))}, 1)"
        if layout.date_record
        else "NULL"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ringledger_classified AS
            SELECT * EXCLUDE (undecoded), {kind} AS kind,
                   CASE WHEN {kind} = 'date' THEN {date_value} END AS date_value
            FROM {LINES}"""
    )
    con.execute(f"DROP TABLE {LINES}")
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
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ringledger_records AS
            SELECT * EXCLUDE (kind) FROM (
                SELECT {fields}{carried}, line AS _record_no, _flags, byte_offset AS _byte_offset,
                       text AS _text, kind
                FROM ringledger_classified
            ) WHERE kind = 'record' ORDER BY _record_no"""
    )
    con.execute(
        f"""INSERT INTO {BAD}
            SELECT line, byte_offset, text, CASE kind
                WHEN 'undecodable' THEN bad_reason
                WHEN 'long' THEN
                    'TOO LONG: ' || length(rtrim(text)) || ' characters, expected at most {layout.max_length}'
                ELSE 'TOO SHORT: ' || length(text) || ' characters, expected at least {layout.min_length}'
                END,
                CASE kind WHEN 'undecodable' THEN bad_field ELSE '{LINE_LENGTH}' END
            FROM ringledger_classified WHERE kind IN ('undecodable', 'short', 'long')"""
    )
    skipped = con.execute(
        "SELECT count(*) FROM ringledger_classified WHERE kind IN ('skip', 'date')"
    ).fetchall()[0]
    con.execute("DROP TABLE ringledger_classified")
    keep_valid(con, fmt, "ringledger_records", rules, located=True)
    con.execute("DROP TABLE ringledger_records")
    return Staging(skipped_lines=skipped[0])


def _decode_bad_bytes(
    con: duckdb.DuckDBPyConnection, fmt: FormatDefinition, layout: FixedWidth, codec: str
) -> None:
    """Lines not valid in the encoding: free-text fields replaced and flagged, else the line marked bad."""
    rows = con.execute(f"SELECT line, undecoded FROM {LINES} WHERE undecoded IS NOT NULL").fetchall()
    if not rows:
        return
    fixed, replaced = [], []
    for line, raw in rows:
        text = decode_keeping_bad_bytes(bytes(raw), codec).rstrip("\r")
        flags, bad = [], None
        for f in layout.fields:
            piece = text[f.start - 1 : f.end]
            if not has_bad_bytes(piece):
                continue
            if f.name not in fmt.validation.free_text:
                bad = (f.name, bad_bytes_reason(fmt, f.name, piece.strip(), codec))
                break
            flags.append(f"text_replaced:{f.name}")
            replaced.append((line, f.name, original_bytes(piece.strip(), codec)))
        if bad is None and not flags and has_bad_bytes(text):
            bad = (ENCODING, f"INVALID ENCODING: not valid {codec} outside the format's fields")
        fixed.append((replaced_text(text), ",".join(flags) or None, *(bad or (None, None)), line))
    con.executemany(
        f"UPDATE {LINES} SET text = ?, _flags = ?, bad_field = ?, bad_reason = ? WHERE line = ?", fixed
    )
    kept = {line for *_, bad_reason, line in fixed if bad_reason is None}
    add_replaced(con, [r for r in replaced if r[0] in kept])


def stage_framed(
    con: duckdb.DuckDBPyConnection,
    fmt: FormatDefinition,
    path: Path,
    encoding: str,
    rules: SourceRules = DEFAULT_RULES,
) -> Staging:
    """Cut records with the format's framing code and split each with its parser."""
    layout = fmt.layout
    assert isinstance(layout, Framed)
    rows: dict[str, list] = {c: [] for c in (*fmt.columns, "_record_no", "_flags", "_byte_offset", "_text")}
    bad: list[tuple] = []
    replaced: list[tuple[int, str, bytes]] = []
    codec = codec_name(encoding)
    for number, offset, raw in layout.frames(path.read_bytes()):
        text = decode_keeping_bad_bytes(raw, codec)
        try:
            parsed = layout.parse(text)
        except RecordError as exc:
            bad.append((number, offset, replaced_text(text), f"UNPARSABLE RECORD: {exc}", FRAMING))
            continue
        flags, problem = _replace_in_rows(fmt, parsed, number, codec, replaced)
        if problem:
            bad.append((number, offset, replaced_text(text), problem[1], problem[0]))
            continue
        for row in parsed:
            for column in fmt.columns:
                rows[column].append(row.get(column))
            rows["_record_no"].append(number)
            rows["_flags"].append(flags)
            rows["_byte_offset"].append(offset)
            rows["_text"].append(replaced_text(text))
    stage_rows(con, rows, bad, replaced)
    con.execute(f"ALTER TABLE {STAGED} RENAME TO ringledger_records")
    keep_valid(con, fmt, "ringledger_records", rules, located=True)
    con.execute("DROP TABLE ringledger_records")
    return Staging()


def _replace_in_rows(
    fmt: FormatDefinition, parsed: list[dict], number: int, codec: str, replaced: list[tuple[int, str, bytes]]
) -> tuple[str | None, tuple[str, str] | None]:
    """Replace bad bytes in free-text values: (flags, None); or (None, (field, reason)) if elsewhere."""
    flags: list[str] = []
    found: list[tuple[int, str, bytes]] = []
    for row in parsed:
        for column, text in row.items():
            if not isinstance(text, str) or not has_bad_bytes(text):
                continue
            if column not in fmt.validation.free_text:
                field = column if column in fmt.columns else ENCODING
                return None, (field, bad_bytes_reason(fmt, column, text, codec))
            row[column] = replaced_text(text)
            if f"text_replaced:{column}" not in flags:
                flags.append(f"text_replaced:{column}")
            found.append((number, column, original_bytes(text, codec)))
    replaced += found
    return ",".join(flags) or None, None


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
    whens = ["WHEN bad_reason IS NOT NULL THEN 'undecodable'", "WHEN trim(text, ' \f\t') = '' THEN 'skip'"]
    whens += [f"WHEN regexp_matches(text, {sql_str(_full(p))}) THEN 'skip'" for p in layout.skip_patterns]
    if layout.date_record:
        whens.append(f"WHEN regexp_matches(text, {sql_str(_full(layout.date_record.pattern))}) THEN 'date'")
    whens.append(f"WHEN length(text) < {layout.min_length} THEN 'short'")
    whens.append(f"WHEN length(rtrim(text)) > {layout.max_length} THEN 'long'")
    return "CASE " + " ".join(whens) + " ELSE 'record' END"
