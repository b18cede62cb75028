"""Readers turn one landed file into staged rows for its format's raw table.

Every reader fills two temporary tables on the given connection:

* ``ringledger_staged``: the format's raw columns plus ``_record_no``;
* ``ringledger_bad``: ``line``, ``byte_offset``, ``raw_record``, ``reason`` for records
  that do not parse (offset and raw text may be NULL: the loader fills them in from
  the file).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

STAGED = "ringledger_staged"
BAD = "ringledger_bad"


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
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {BAD} "
        "(line BIGINT, byte_offset BIGINT, raw_record VARCHAR, reason VARCHAR)"
    )


def stage_rows(con, rows: dict[str, list], bad: list[tuple]) -> None:
    """Fill the staging tables from rows built in Python: column -> values, ``_record_no`` last."""
    staged = pa.table(
        {c: pa.array(v, pa.int64() if c == "_record_no" else pa.string()) for c, v in rows.items()}
    )
    con.register("ringledger_arrow", staged)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGED} AS SELECT * FROM ringledger_arrow")
    con.unregister("ringledger_arrow")
    create_bad_table(con)
    if bad:
        con.executemany(f"INSERT INTO {BAD} VALUES (?, ?, ?, ?)", bad)
