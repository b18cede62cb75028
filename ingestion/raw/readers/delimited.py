"""Delimited formats: one DuckDB ``read_csv`` scan over the whole file, rejects kept per line.

Columns come from the header row (by name), from the source's configured order,
or from the format's positional order. Record numbers are line numbers: lines
that DuckDB rejects or skips (blank lines) keep their numbers out of the count.

A line's field count is known exactly: the scan's NULL string is a newline, which no
unquoted field can hold (and quoted fields are never NULL), so an empty field reads
as '' and only a field the line does not have is NULL. ``field_count_rule`` checks it;
raw keeps empty fields as NULL (``kept_columns``). Lines DuckDB rejects for bytes not
valid in the encoding are parsed again in Python (``delimited_lines``).
"""

from __future__ import annotations

import csv
import io
import mmap
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.formats.definition import Delimited, FormatDefinition, Header
from ingestion.formats.text_decoding import DUCKDB_NATIVE, codec_name, is_ascii_compatible, readable_by_duckdb
from ingestion.raw.readers import (
    BAD,
    FIELD_COUNT,
    FRAMING,
    LINE_LENGTH,
    Staging,
    create_bad_table,
    quote_ident,
    sql_str,
)
from ingestion.raw.readers.delimited_lines import parse_again, stage_by_line
from ingestion.raw.validation import DEFAULT_RULES, Rule, SourceRules, keep_valid

REJECTS = "ringledger_rejects"
SCAN = "ringledger_scan"
_BLANK_LINE = re.compile(rb"(?m)^\r?$")
_TRAILING = "_trailing_field"


@dataclass(frozen=True)
class ScanPlan:
    """How one file is scanned: its columns in file order and how many leading lines are not records."""

    scan_columns: tuple[str, ...]  # format columns, _ignored_<i> for unknown ones, _trailing_field
    skip: int
    ignored_columns: tuple[str, ...]  # header names the format does not know


def plan_scan(
    fmt: FormatDefinition, path: Path, encoding: str, column_order: tuple[str, ...] | None = None
) -> ScanPlan:
    """Read the first line of ``path`` and decide how DuckDB scans the file."""
    layout = fmt.layout
    assert isinstance(layout, Delimited)
    file_columns, skip = _file_columns(fmt, layout, _first_line(path, encoding), column_order)
    ignored = tuple(c for c in file_columns if c not in fmt.columns and c != _TRAILING)
    scan_columns = tuple(
        c if c in fmt.columns or c == _TRAILING else f"_ignored_{i}" for i, c in enumerate(file_columns)
    )
    return ScanPlan(scan_columns, skip, ignored)


def read_csv_sql(
    layout: Delimited, plan: ScanPlan, paths: list[Path], encoding: str, parallel: bool, rejects: bool = True
) -> str:
    """The ``read_csv`` call scanning ``paths`` by ``plan``, rejects kept in REJECTS_errors/_scans.

    Without ``rejects`` the scan fails at the first line it cannot read (cheaper, for a first try).
    """
    spec = ", ".join(f"{sql_str(c)}: 'VARCHAR'" for c in plan.scan_columns)
    quote = sql_str(layout.quote)
    files = "[" + ", ".join(sql_str(p) for p in paths) + "]"
    return (
        f"read_csv({files}, header = false, skip = {plan.skip}, columns = {{{spec}}}, "
        f"delim = {sql_str(layout.delimiter)}, quote = {quote}, escape = {quote}, null_padding = true, "
        "nullstr = chr(10), allow_quoted_nulls = false, "
        f"auto_detect = false, encoding = {sql_str(encoding)}"
        + (
            f", store_rejects = true, rejects_table = '{REJECTS}_errors', rejects_scan = '{REJECTS}_scans'"
            if rejects
            else ""
        )
        + ("" if parallel else ", parallel = false")
        + ")"
    )


def drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the rejects of the previous scan (DuckDB appends to existing rejects tables)."""
    con.execute(f"DROP TABLE IF EXISTS {REJECTS}_errors")
    con.execute(f"DROP TABLE IF EXISTS {REJECTS}_scans")


def field_count_rule(layout: Delimited, plan: ScanPlan) -> Rule:
    """A record has every column of its header or configured order, or at least the format's minimum.

    Columns by name (a header) or in the order a source configures (cdr_custom, 3CX, FreeSWITCH):
    all of them, the trailing delimiter's field excepted; by the format's own positions (cdr_csv
    16-21, IP Office 17-35): at least ``min_columns``. Padding leaves only trailing columns NULL,
    so one column tells: the last wanted one.
    """
    fields = [c for c in plan.scan_columns if c != _TRAILING]
    exact = bool(plan.skip) or layout.configurable_columns
    wanted = len(fields) if exact else min(layout.min_columns, len(fields))
    count = " + ".join(f"({quote_ident(c)} IS NOT NULL)::INT" for c in plan.scan_columns)
    expected = f"at least {wanted}"
    if exact:
        expected = f"{wanted} (the header's)" if plan.skip else f"{wanted} (the configured columns)"
    return Rule(
        f"{quote_ident(fields[wanted - 1])} IS NULL",
        FIELD_COUNT,
        f"'TOO FEW FIELDS: ' || ({count}) || {sql_str(f' fields, expected {expected}')}",
    )


def kept_columns(fmt: FormatDefinition, plan: ScanPlan, alias: str) -> str:
    """The format's columns from a scan: empty fields as NULL, columns the file lacks as NULL."""
    return ", ".join(
        f"nullif({alias}.{quote_ident(c)}, '') AS {quote_ident(c)}"
        if c in plan.scan_columns
        else f"NULL::VARCHAR AS {quote_ident(c)}"
        for c in fmt.columns
    )


def stage_delimited(
    con: duckdb.DuckDBPyConnection,
    fmt: FormatDefinition,
    path: Path,
    encoding: str,
    column_order: tuple[str, ...] | None = None,
    rules: SourceRules = DEFAULT_RULES,
) -> Staging:
    """Scan ``path``, check its records and fill the staging tables; see the module docstring."""
    layout = fmt.layout
    assert isinstance(layout, Delimited)
    plan = plan_scan(fmt, path, encoding, column_order)
    with readable_by_duckdb(path, encoding) as (scan_path, duck_encoding):
        _scan(con, layout, plan, scan_path, duck_encoding)
    blank = _number_by_line(con, path, plan.skip)
    create_bad_table(con)
    # Undecodable bytes (DuckDB read the file itself, byte for byte): those lines are parsed again.
    again = codec_name(encoding) in DUCKDB_NATIVE and is_ascii_compatible(encoding)
    undecodable = f"(SELECT line FROM {REJECTS}_errors WHERE error_type = 'INVALID ENCODING')"
    con.execute(
        f"""INSERT INTO {BAD}
            SELECT line, NULL, NULL, string_agg(DISTINCT error_type || ': ' || error_message, '; '),
                   CASE any_value(error_type)
                       WHEN 'TOO MANY COLUMNS' THEN '{FIELD_COUNT}'
                       WHEN 'LINE SIZE OVER MAXIMUM' THEN '{LINE_LENGTH}'
                       ELSE coalesce(any_value(column_name), '{FRAMING}')
                   END
            FROM {REJECTS}_errors
            {f"WHERE line NOT IN {undecodable}" if again else ""}
            GROUP BY line"""
    )
    if _line_spilled(con, path, plan.skip, blank, encoding) or _quoted_newline(con, plan):
        stage_by_line(con, fmt, plan.scan_columns, plan.skip, path, encoding, SCAN)
    elif again:
        lines = [r[0] for r in con.execute(f"SELECT DISTINCT line FROM {undecodable}").fetchall()]
        if lines:
            parse_again(con, fmt, plan.scan_columns, path, encoding, lines, SCAN)
    present = tuple(c for c in fmt.columns if c in plan.scan_columns)
    keep_valid(
        con, fmt, SCAN, rules, (field_count_rule(layout, plan),), present, kept_columns(fmt, plan, "t")
    )
    con.execute(f"DROP TABLE {SCAN}")
    return Staging(skipped_lines=plan.skip, ignored_columns=plan.ignored_columns)


def _line_spilled(con: duckdb.DuckDBPyConnection, path: Path, skip: int, blank: int, encoding: str) -> bool:
    """Whether the scan's rows and rejects are not the file's lines, one for one.

    A rejected record may swallow a following line (an unterminated quote reads on), or one
    line may come out as a reject and a row.

    Only a file with rejects is counted again: without one every line is a row, blank or skipped.
    """
    rejected = con.execute(f"SELECT count(DISTINCT line) FROM {REJECTS}_errors").fetchall()[0][0]
    if not is_ascii_compatible(encoding) or not rejected:
        return False
    scanned = con.execute(f"SELECT count(*) FROM {SCAN}").fetchall()[0][0]
    return scanned + rejected + blank + skip != count_lines(path)  # a line read as a row and a reject


def _quoted_newline(con: duckdb.DuckDBPyConnection, plan: ScanPlan) -> bool:
    """Whether a quoted field holds a newline: the record spans lines and the numbers after it shift.

    Such a file is parsed line by line, where a line never spills into the next.
    """
    held = " OR ".join(f"contains({quote_ident(c)}, chr(10))" for c in plan.scan_columns)
    return bool(
        con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {SCAN} WHERE {held} LIMIT 1)").fetchall()[0][0]
    )


def count_lines(path: Path) -> int:
    """Lines in the file, read in chunks; a final newline ends a line, it does not start one."""
    lines, last, size = 0, b"\n", 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            lines += chunk.count(b"\n")
            last, size = chunk, size + len(chunk)
    return lines + (1 if size and not last.endswith(b"\n") else 0)


def _first_line(path: Path, encoding: str) -> str:
    with path.open("rb") as handle:
        head = handle.readline(1 << 16)
    return head.decode(codec_name(encoding), errors="replace").lstrip("\ufeff").rstrip("\r\n")


def _file_columns(
    fmt: FormatDefinition, layout: Delimited, first_line: str, column_order: tuple[str, ...] | None
) -> tuple[list[str], int]:
    """Column names in file order and how many leading lines are not records."""
    names = next(csv.reader(io.StringIO(first_line), delimiter=layout.delimiter), [])
    known = {c.lower(): c for c in fmt.columns}
    is_header = layout.header is Header.REQUIRED or (
        layout.header is Header.OPTIONAL and names and all(n.lower() in known for n in names)
    )
    if is_header:
        columns = [known.get(n.lower(), n) for n in names]
        return _unique(columns) + (
            [_TRAILING] if layout.trailing_delimiter else []
        ), 1 + layout.rows_after_header
    order = list(column_order or layout.default_order or fmt.columns)
    unknown = [c for c in order if c not in fmt.columns]
    if unknown:
        raise ValueError(f"format {fmt.name}: configured columns {unknown} are not among {list(fmt.columns)}")
    return order + ([_TRAILING] if layout.trailing_delimiter else []), 0


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for i, name in enumerate(names):
        out.append(name if name.lower() not in seen else f"_duplicate_{i}")
        seen.add(name.lower())
    return out


def _scan(
    con: duckdb.DuckDBPyConnection, layout: Delimited, plan: ScanPlan, path: Path, encoding: str
) -> None:
    """Scan in parallel; if DuckDB gives up on the file (broken quoting), scan again serially."""
    for parallel in (True, False):
        drop_rejects(con)
        try:
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE {SCAN} AS
                    SELECT *, row_number() OVER () + {plan.skip} AS _record_no, NULL::VARCHAR AS _flags
                    FROM {read_csv_sql(layout, plan, [path], encoding, parallel)}"""
            )
            return
        except duckdb.Error:
            if not parallel:
                raise


def _number_by_line(con: duckdb.DuckDBPyConnection, path: Path, skip: int) -> int:
    """Turn scan order into line numbers: the n-th good record is the n-th line not rejected or blank.

    Returns how many blank lines there are.
    """
    blank = _blank_lines(path)
    rejected = con.execute(f"SELECT count(DISTINCT line) FROM {REJECTS}_errors").fetchall()[0][0]
    if not blank and not rejected:
        return 0  # the scan already numbered records from the line after the header
    con.execute("CREATE OR REPLACE TEMP TABLE ringledger_blank (line BIGINT)")
    if blank:
        con.executemany("INSERT INTO ringledger_blank VALUES (?)", [(n,) for n in blank])
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {SCAN} AS
            WITH excluded AS (
                SELECT DISTINCT line FROM {REJECTS}_errors UNION SELECT line FROM ringledger_blank
            ),
            lines AS (
                SELECT row_number() OVER (ORDER BY n) AS nth_good, n AS line
                FROM range({skip + 1}, (SELECT count(*) FROM {SCAN}) + (SELECT count(*) FROM excluded)
                                       + {skip} + 1) AS t(n)
                WHERE n NOT IN (SELECT line FROM excluded)
            )
            SELECT s.* EXCLUDE (_record_no), lines.line AS _record_no
            FROM {SCAN} AS s JOIN lines ON lines.nth_good = s._record_no - {skip}
            ORDER BY _record_no"""
    )
    return len(blank)


def _blank_lines(path: Path) -> list[int]:
    """Line numbers of empty lines (DuckDB skips them), the final newline excepted."""
    if path.stat().st_size == 0:
        return []
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        leading = mapped[:1] == b"\n" or mapped[:2] == b"\r\n"
        # find() gives the first gap: one found only at the very end blanks nothing that shifts numbers
        inner = any(mapped.find(gap) not in (-1, len(mapped) - len(gap)) for gap in (b"\n\n", b"\n\r\n"))
        if not leading and not inner:
            return []
    data = path.read_bytes()
    numbers, line, position = [], 1, 0
    for match in _BLANK_LINE.finditer(data):
        if match.start() >= len(data):
            break
        line += data.count(b"\n", position, match.start())
        position = match.start()
        numbers.append(line)
    return numbers
