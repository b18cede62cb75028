"""The careful way through a delimited file: every line parsed on its own.

For the rare file that DuckDB's scan does not account for line by line: an
unterminated quote makes the scan read on into the next line and reject both as
one record, which would lose a record and shift the line numbers after it. Here a
line never spills into the next; a line that does not parse alone is quarantined.
Slow (Python), used only for such files.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from ingestion.formats.definition import Delimited, FormatDefinition
from ingestion.readers import stage_rows
from ingestion.text_decoding import codec_name

Bad = tuple[int, None, None, str]


def stage_by_line(
    con: duckdb.DuckDBPyConnection,
    fmt: FormatDefinition,
    scan_columns: tuple[str, ...],
    skip: int,
    path: Path,
    encoding: str,
) -> None:
    """Replace the staging tables with a line-by-line parse of ``path``."""
    layout = fmt.layout
    assert isinstance(layout, Delimited)
    rows: dict[str, list] = {c: [] for c in (*fmt.columns, "_record_no")}
    bad: list[Bad] = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            text = raw.rstrip(b"\r\n")
            if number <= skip or not text:
                continue  # header lines; blank lines are neither records nor errors
            fields = _fields(text, number, layout, len(scan_columns), encoding, bad)
            if fields is None:
                continue
            values = dict(zip(scan_columns, fields, strict=False))  # short lines: NULL padding
            for column in fmt.columns:
                rows[column].append(values.get(column) or None)  # empty fields are NULL, as in the scan
            rows["_record_no"].append(number)
    stage_rows(con, rows, bad)


def _fields(
    raw: bytes, number: int, layout: Delimited, width: int, encoding: str, bad: list[Bad]
) -> list[str] | None:
    """The line's fields, or None after adding it to ``bad`` with the reason."""
    name = codec_name(encoding)
    try:
        text = raw.decode(name, errors="strict" if name == "utf-8" else "replace")
    except UnicodeDecodeError as exc:
        bad.append((number, None, None, f"INVALID ENCODING: not valid utf-8 at byte {exc.start}"))
        return None
    reader = csv.reader([text], delimiter=layout.delimiter, quotechar=layout.quote, strict=True)
    try:
        fields = next(reader)
    except csv.Error as exc:
        bad.append((number, None, None, f"UNQUOTED VALUE: the line does not parse alone ({exc})"))
        return None
    if len(fields) > width:
        bad.append((number, None, None, f"TOO MANY COLUMNS: {len(fields)} fields, expected at most {width}"))
        return None
    return fields
