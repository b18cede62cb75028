"""Delimited files loaded many at a time, from one DuckDB scan straight into the raw table.

The fast path of the raw load (``ingestion.raw_load``), for the common case: plain
(uncompressed) files in an encoding DuckDB reads itself, without blank lines.
Files of one format and one column layout are scanned together in one
``read_csv``; a record's line number is its row number in the scan, less the
records of the files before it (counted from their newlines beforehand), plus the
file's header lines. Each group is one transaction that also records its files in
``raw.loaded_files``. Afterwards the load checks that DuckDB rejected nothing and
read exactly the records counted; if not (a bad line, a quoted newline), or if the
scan fails, the group is rolled back and its files take the per-file path, which
numbers lines around rejected ones and quarantines them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.collectors import compression
from ingestion.formats import FORMATS, FormatDefinition
from ingestion.formats.definition import Delimited
from ingestion.landing import LandedFile
from ingestion.readers import quote_ident
from ingestion.readers.delimited import REJECTS, ScanPlan, count_lines, drop_rejects, plan_scan, read_csv_sql
from ingestion.text_decoding import codec_name

GROUP_FILES = 1000
GROUP_BYTES = 1 << 30
_BULK_ENCODINGS = {"utf-8": "utf-8", "iso8859-1": "latin-1"}  # one byte 0x0A per newline


@dataclass(frozen=True)
class BulkFile:
    landed: LandedFile
    path: Path
    records: int  # lines after the header lines


@dataclass
class BulkGroup:
    """Files of one format scanned together: same column layout, same encoding."""

    fmt: FormatDefinition
    plan: ScanPlan
    encoding: str
    files: list[BulkFile]
    size: int = 0

    def add(self, member: BulkFile) -> None:
        self.files.append(member)
        self.size += member.landed.size


def bulk_file(
    fmt: FormatDefinition, landed: LandedFile, path: Path, encoding: str, plan: ScanPlan
) -> BulkFile | None:
    """The file as a bulk-load member, or None when it needs the per-file path."""
    if not isinstance(fmt.layout, Delimited) or compression.is_compressed(path.name):
        return None
    if codec_name(encoding) not in _BULK_ENCODINGS:
        return None
    lines = count_lines(path)
    if lines <= plan.skip:  # a file without records may not scan: the per-file path says why
        return None
    return BulkFile(landed, path, lines - plan.skip)


def group_files(
    candidates: list[tuple[LandedFile, Path, str, tuple[str, ...] | None]],
) -> tuple[list[BulkGroup], list[LandedFile]]:
    """Split (landed file, path, encoding, column order) into bulk groups and files for the per-file path."""
    groups: dict[tuple, BulkGroup] = {}
    done: list[BulkGroup] = []
    rest: list[LandedFile] = []
    for landed, path, encoding, column_order in candidates:
        fmt = FORMATS[landed.format]
        member = None
        if isinstance(fmt.layout, Delimited) and not compression.is_compressed(path.name):
            try:
                plan = plan_scan(fmt, path, encoding, column_order)
                member = bulk_file(fmt, landed, path, encoding, plan)
            except ValueError:
                member = None  # the per-file path reports it
        if member is None:
            rest.append(landed)
            continue
        key = (fmt.name, plan, codec_name(encoding))
        group = groups.setdefault(key, BulkGroup(fmt, plan, _BULK_ENCODINGS[codec_name(encoding)], []))
        group.add(member)
        if len(group.files) >= GROUP_FILES or group.size >= GROUP_BYTES:
            done.append(groups.pop(key))
    return done + list(groups.values()), rest


def load_group(con: duckdb.DuckDBPyConnection, group: BulkGroup, loaded_files_sql: str) -> list[BulkFile]:
    """Load the group in one transaction; returns the files that must go the per-file path instead.

    When some files do not come out exactly (rejected lines, blank lines), the group is
    rolled back and loaded once more without them; when the scan fails, all of it goes back.
    """
    outcome = _try_group(con, group, loaded_files_sql)
    if outcome is None:
        return group.files
    if not outcome:
        return []
    good = [f for i, f in enumerate(group.files) if i not in outcome]
    retry = BulkGroup(group.fmt, group.plan, group.encoding, good)
    if good and _try_group(con, retry, loaded_files_sql) == set():
        return [f for i, f in enumerate(group.files) if i in outcome]
    return group.files


def _try_group(con: duckdb.DuckDBPyConnection, group: BulkGroup, loaded_files_sql: str) -> set[int] | None:
    """Indexes of the files that did not come out exactly (empty: committed); None if the scan failed."""
    fmt, plan = group.fmt, group.plan
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ringledger_bulk_files (file_index BIGINT, path VARCHAR, "
        "source VARCHAR, sha256 VARCHAR, landed_path VARCHAR, records_before BIGINT, records BIGINT)"
    )
    con.executemany(
        "INSERT INTO ringledger_bulk_files VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (i, str(f.path), f.landed.source, f.landed.sha256, f.landed.landed_path, before, f.records)
            for i, (f, before) in enumerate(_running_totals(group.files))
        ],
    )
    kept = ", ".join(f"scan.{quote_ident(c)}" if c in plan.scan_columns else "NULL" for c in fmt.columns)
    columns = ", ".join(quote_ident(c) for c in fmt.columns)
    scan = read_csv_sql(fmt.layout, plan, [f.path for f in group.files], group.encoding, parallel=True)
    drop_rejects(con)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"""INSERT INTO {fmt.raw_table} ({columns}, _source, _file_sha256, _landed_path, _record_no)
                SELECT {kept}, files.source, files.sha256, files.landed_path,
                       scan._row - files.records_before + {plan.skip}
                FROM (SELECT *, file_index AS _file_index, row_number() OVER () AS _row FROM {scan}) AS scan
                JOIN ringledger_bulk_files AS files ON files.file_index = scan._file_index"""
        )
        inexact = _inexact_files(con, fmt)
        if inexact:
            con.execute("ROLLBACK")
            return inexact
        con.executemany(loaded_files_sql, [_loaded_row(f) for f in group.files])
        con.execute("COMMIT")
        return set()
    except duckdb.Error:
        con.execute("ROLLBACK")
        return None


def _inexact_files(con: duckdb.DuckDBPyConnection, fmt: FormatDefinition) -> set[int]:
    """Files with rejected lines, or whose row count is not their line count (blank lines, quoted newlines).

    When every file has exactly its count, the offsets are right and so is every line number.
    """
    rows = con.execute(
        f"""SELECT files.file_index FROM ringledger_bulk_files AS files
            LEFT JOIN (
                SELECT _source, _file_sha256, count(*) AS n
                FROM {fmt.raw_table}
                WHERE _file_sha256 IN (SELECT sha256 FROM ringledger_bulk_files)
                GROUP BY ALL
            ) AS loaded ON loaded._source = files.source AND loaded._file_sha256 = files.sha256
            WHERE loaded.n IS DISTINCT FROM files.records
            UNION
            SELECT files.file_index FROM {REJECTS}_errors AS errors
            JOIN {REJECTS}_scans AS scans USING (scan_id, file_id)
            JOIN ringledger_bulk_files AS files ON files.path = scans.file_path"""
    ).fetchall()
    return {row[0] for row in rows}


def _running_totals(files: list[BulkFile]) -> Iterator[tuple[BulkFile, int]]:
    before = 0
    for f in files:
        yield f, before
        before += f.records


def _loaded_row(f: BulkFile) -> tuple:
    landed = f.landed
    return (
        landed.source, landed.format, landed.sha256, landed.original_name, landed.landed_path,
        landed.size, landed.landed_at, f.records, 0,
    )  # fmt: skip
