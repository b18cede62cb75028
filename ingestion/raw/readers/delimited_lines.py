"""Delimited lines parsed one by one in Python: the careful way, and the way for undecodable bytes.

Two kinds of file need it. An unterminated quote makes DuckDB's scan read on into the
next line and reject both as one record, which would lose a record and shift the line
numbers after it: such a file is parsed here line by line (a line never spills into the
next; one that does not parse alone is quarantined). And a line DuckDB rejects for a
byte that is not valid in the source's encoding is parsed here again: a free-text field
(a caller's name) keeps its text with each bad byte as U+FFFD, the record is flagged
``text_replaced:<field>`` and the field's bytes as written are kept; a bad byte in any
other field quarantines the record, naming the field. Slow (Python), for those lines only.

Rows come out like DuckDB's scan: an empty field is '', a field the line does not have
is NULL (so the field count can be checked the same way).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingestion.formats.definition import Delimited, FormatDefinition
from ingestion.formats.text_decoding import codec_name
from ingestion.raw.readers import (
    FIELD_COUNT,
    FRAMING,
    add_bad,
    add_replaced,
    create_bad_table,
    decode_keeping_bad_bytes,
    has_bad_bytes,
    lines_at,
    original_bytes,
    replaced_text,
    write_rows,
)


@dataclass
class ParsedLines:
    """Rows for the scan table (scan columns, ``_record_no``, ``_flags``), failures, replaced text."""

    rows: dict[str, list]
    bad: list[tuple] = field(default_factory=list)
    replaced: list[tuple[int, str, bytes]] = field(default_factory=list)


def parse_lines(
    fmt: FormatDefinition, scan_columns: tuple[str, ...], lines: Iterable[tuple[int, bytes]], encoding: str
) -> ParsedLines:
    """Parse (line number, bytes without CR LF) pairs as the format's records."""
    layout = fmt.layout
    assert isinstance(layout, Delimited)
    codec = codec_name(encoding)
    out = ParsedLines({c: [] for c in (*scan_columns, "_record_no", "_flags")})
    for number, raw in lines:
        fields = _fields(decode_keeping_bad_bytes(raw, codec), number, layout, len(scan_columns), out.bad)
        if fields is None:
            continue
        flags = _replace_bad_bytes(fmt, scan_columns, fields, number, codec, out)
        if flags is None:
            continue
        padded = [*fields, *([None] * (len(scan_columns) - len(fields)))]
        for column, text in zip(scan_columns, padded, strict=True):
            out.rows[column].append(text)
        out.rows["_record_no"].append(number)
        out.rows["_flags"].append(",".join(flags) or None)
    return out


def stage_by_line(
    con: duckdb.DuckDBPyConnection,
    fmt: FormatDefinition,
    scan_columns: tuple[str, ...],
    skip: int,
    path: Path,
    encoding: str,
    table: str,
) -> None:
    """Replace the scan ``table`` and BAD with a line-by-line parse of ``path``."""
    with path.open("rb") as handle:
        lines = (
            (number, raw.rstrip(b"\r\n"))
            for number, raw in enumerate(handle, start=1)
            if number > skip and raw.rstrip(b"\r\n")  # header lines; blank lines are neither
        )
        parsed = parse_lines(fmt, scan_columns, lines, encoding)
    write_rows(con, table, parsed.rows)
    create_bad_table(con)
    add_bad(con, parsed.bad)
    add_replaced(con, parsed.replaced)


def parse_again(
    con: duckdb.DuckDBPyConnection,
    fmt: FormatDefinition,
    scan_columns: tuple[str, ...],
    path: Path,
    encoding: str,
    numbers: list[int],
    table: str,
) -> None:
    """Parse the given lines of ``path`` here and add them to the scan ``table`` (or to BAD)."""
    found = lines_at(path.read_bytes(), sorted(numbers))
    parsed = parse_lines(fmt, scan_columns, ((n, raw) for n, (_, raw) in found.items()), encoding)
    write_rows(con, table, parsed.rows, insert=True)
    add_bad(con, parsed.bad)
    add_replaced(con, parsed.replaced)


def _fields(text: str, number: int, layout: Delimited, width: int, bad: list[tuple]) -> list[str] | None:
    """The line's fields, or None after adding it to ``bad`` with the reason."""
    if layout.quote:
        reader = csv.reader([text], delimiter=layout.delimiter, quotechar=layout.quote, strict=True)
    else:
        reader = csv.reader([text], delimiter=layout.delimiter, quoting=csv.QUOTE_NONE, strict=True)
    try:
        fields = next(reader)
    except csv.Error as exc:
        bad.append((number, None, None, f"UNQUOTED VALUE: the line does not parse alone ({exc})", FRAMING))
        return None
    if len(fields) > width:
        reason = f"TOO MANY COLUMNS: {len(fields)} fields, expected at most {width}"
        bad.append((number, None, None, reason, FIELD_COUNT))
        return None
    return fields


def _replace_bad_bytes(
    fmt: FormatDefinition,
    scan_columns: tuple[str, ...],
    fields: list[str],
    number: int,
    codec: str,
    out: ParsedLines,
) -> list[str] | None:
    """Replace undecodable bytes in free-text fields (flags returned); None if another field has one."""
    flags, replaced = [], []
    for i, text in enumerate(fields):
        if not has_bad_bytes(text):
            continue
        column = scan_columns[i]
        if column in fmt.columns and column not in fmt.validation.free_text:
            out.bad.append((number, None, None, bad_bytes_reason(fmt, column, text, codec), column))
            return None
        fields[i] = replaced_text(text)
        if column in fmt.columns:  # a column the format does not load is not kept at all
            flags.append(f"text_replaced:{column}")
            replaced.append((number, column, original_bytes(text, codec)))
    out.replaced += replaced
    return flags


def bad_bytes_reason(fmt: FormatDefinition, column: str, text: str, codec: str) -> str:
    """Why a field with undecodable bytes fails: it is not one of the format's free-text fields."""
    kept = ", ".join(fmt.validation.free_text) or "none in this format"
    shown = replaced_text(text)
    shown = shown if len(shown) <= 60 else shown[:60] + "…"
    raw = original_bytes(text, codec)
    return (
        f"INVALID ENCODING: field {column!r} = {shown!r} holds bytes that are not valid {codec} "
        f"({raw[:40]!r}); only free-text fields ({kept}) are kept with such bytes replaced"
    )
