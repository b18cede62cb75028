"""Readers turn one landed file into staged rows for its format's raw table.

Every reader fills three temporary tables on the given connection:

* ``ringledger_staged``: the format's raw columns plus ``_record_no`` and ``_flags``
  (NULL when clean; e.g. ``text_replaced:clid``, ``duration_over_max:duration``);
* ``ringledger_bad``: ``line``, ``byte_offset``, ``raw_record``, ``reason``, ``field`` for
  records that do not parse or fail validation (offset and raw text may be NULL: the
  loader fills them in from the file; ``field`` is a raw column, or one of
  ``RECORD_LEVEL`` for a problem of the whole line);
* ``ringledger_replaced``: ``line``, ``field``, ``original`` (the bytes as written) for
  free-text fields whose undecodable bytes were replaced by U+FFFD in a kept record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa

STAGED = "ringledger_staged"
BAD = "ringledger_bad"
REPLACED = "ringledger_replaced"
# The quarantine's field for a problem that is not one field's
FIELD_COUNT, LINE_LENGTH, FRAMING, ENCODING, WHOLE_FILE = (
    "(field count)",
    "(line length)",
    "(record framing)",
    "(encoding)",
    "(file)",
)
RECORD_LEVEL = (FIELD_COUNT, LINE_LENGTH, FRAMING, ENCODING, WHOLE_FILE)
_SURROGATES = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Staging:
    """What a reader left out on purpose: header and page-header lines, columns it does not know."""

    skipped_lines: int = 0
    ignored_columns: tuple[str, ...] = ()


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_str(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def create_bad_table(con) -> None:
    """Empty BAD and REPLACED tables."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {BAD} "
        "(line BIGINT, byte_offset BIGINT, raw_record VARCHAR, reason VARCHAR, field VARCHAR)"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE {REPLACED} (line BIGINT, field VARCHAR, original BLOB)")


def add_bad(con, bad: list[tuple]) -> None:
    """Quarantine (line, byte offset, raw text, reason, field) rows."""
    if bad:
        con.executemany(f"INSERT INTO {BAD} VALUES (?, ?, ?, ?, ?)", bad)


def add_replaced(con, replaced: list[tuple[int, str, bytes]]) -> None:
    """Keep the bytes as written of (line, field, original bytes) whose text was replaced."""
    if replaced:
        con.executemany(f"INSERT INTO {REPLACED} VALUES (?, ?, ?)", replaced)


_INTEGERS = ("_record_no", "_byte_offset")


def write_rows(con, table: str, rows: dict[str, list], insert: bool = False) -> None:
    """Rows built in Python (column -> values; record number and offset integers, the rest text)."""
    staged = pa.table(
        {c: pa.array(v, pa.int64() if c in _INTEGERS else pa.string()) for c, v in rows.items()}
    )
    con.register("ringledger_arrow", staged)
    if insert:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM ringledger_arrow")
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM ringledger_arrow")
    con.unregister("ringledger_arrow")


def stage_rows(con, rows: dict[str, list], bad: list[tuple], replaced: list[tuple[int, str, bytes]]) -> None:
    """Fill the staging tables from rows built in Python: column -> values, ``_record_no``, ``_flags``."""
    write_rows(con, STAGED, rows)
    create_bad_table(con)
    add_bad(con, bad)
    add_replaced(con, replaced)


def decode_keeping_bad_bytes(raw: bytes, codec: str) -> str:
    """Text in which every undecodable byte is a lone surrogate (U+DC80-U+DCFF), one per byte."""
    return raw.decode(codec, errors="surrogateescape")


def has_bad_bytes(text: str) -> bool:
    return _SURROGATES.search(text) is not None


def replaced_text(text: str) -> str:
    """The text as kept: each undecodable byte as U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


def original_bytes(text: str, codec: str) -> bytes:
    return text.encode(codec, errors="surrogateescape")


def lines_at(data: bytes, wanted: list[int]) -> dict[int, tuple[int, bytes]]:
    """{line number: (0-based byte offset, line without CR LF)} for ascending 1-based line numbers."""
    found: dict[int, tuple[int, bytes]] = {}
    offset, number = 0, 1
    for line in wanted:
        while number < line:
            newline = data.find(b"\n", offset)
            if newline == -1:
                return found
            offset, number = newline + 1, number + 1
        end = data.find(b"\n", offset)
        found[line] = (offset, data[offset : len(data) if end == -1 else end].rstrip(b"\r"))
    return found
