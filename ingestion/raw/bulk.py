"""Delimited files loaded many at a time, from one DuckDB scan straight into the raw table.

The fast path of the raw load (``ingestion.raw.load``), for the common case: plain
(uncompressed) files in an encoding DuckDB reads itself, without blank lines.
Files of one format and one column layout form a group. Their record lines are
copied, headers dropped, into one temporary file and scanned once (DuckDB pays a
fixed cost per file of a scan list, more so with Cisco's 133 columns); a record's
file and line number follow from its row number and the files' record counts
(counted from their newlines beforehand). Each group is one transaction that also
records its files in ``raw.loaded_files``, committed only when DuckDB rejected
nothing and read exactly the records counted. If not (a bad line, a quoted
newline), the group is scanned again as lists of files, which name the inexact
files; those take the per-file path, which numbers lines around rejected ones and
quarantines them, and the rest is loaded without them.

Every scanned record is checked against its format's rules (``ingestion.raw.validation``,
one SQL pass over the scan table) before the insert: a file with a record that fails
goes the per-file path too (which quarantines the record with its line, offset, field
and reason) while the group's other files are inserted, with the flags the checks set.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from ingestion.collect.landing import LandedFile
from ingestion.formats import FORMATS, FormatDefinition, compression
from ingestion.formats.definition import Delimited
from ingestion.formats.text_decoding import codec_name
from ingestion.raw.readers import quote_ident
from ingestion.raw.readers.delimited import (
    REJECTS,
    ScanPlan,
    count_lines,
    drop_rejects,
    field_count_rule,
    kept_columns,
    plan_scan,
    read_csv_sql,
)
from ingestion.raw.record_identity import KEY_COLUMN, mark_duplicates, record_key_sql
from ingestion.raw.validation import CHECKS, DEFAULT_RULES, SourceRules, check_rows

GROUP_FILES = 5000
GROUP_BYTES = 1 << 30
LIST_SCAN_FILES = 100  # DuckDB's scan of a file list slows more than linearly with its length
_BOM = b"\xef\xbb\xbf"
LINEAGE = ("_source", "_file_sha256", "_landed_path", "_record_no", "_flags")
_FILE_COLUMN = "_bulk_file"  # leading field of the combined file: the file's index in its group
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
    rules: SourceRules = DEFAULT_RULES

    def add(self, member: BulkFile) -> None:
        self.files.append(member)
        self.size += member.landed.size

    @property
    def layout(self) -> Delimited:
        """The format's layout: only delimited formats are loaded in bulk (:func:`_member`)."""
        assert isinstance(self.fmt.layout, Delimited), self.fmt.name
        return self.fmt.layout


def _member(
    landed: LandedFile, path: Path, encoding: str, column_order: tuple[str, ...] | None
) -> tuple[BulkFile, ScanPlan] | None:
    """The file as a bulk-load member with its scan plan, or None when it needs the per-file path."""
    fmt = FORMATS[landed.format]
    if not isinstance(fmt.layout, Delimited) or compression.is_compressed(path.name):
        return None
    try:
        if codec_name(encoding) not in _BULK_ENCODINGS:
            return None  # transcoded or multi-byte newlines: file by file
        plan = plan_scan(fmt, path, encoding, column_order)
    except ValueError:
        return None  # an unknown encoding, columns the format lacks: the per-file path reports it
    lines = count_lines(path)
    if lines <= plan.skip:  # a file without records may not scan: the per-file path says why
        return None
    return BulkFile(landed, path, lines - plan.skip), plan


def group_files(
    candidates: list[tuple[LandedFile, Path, str, tuple[str, ...] | None]],
    rules_by_source: dict[str, SourceRules] | None = None,
) -> tuple[list[BulkGroup], list[LandedFile]]:
    """Split (landed file, path, encoding, column order) into bulk groups and files for the per-file path.

    ``rules_by_source``: each source's validation settings (the defaults for a source not named).
    """
    groups: dict[tuple, BulkGroup] = {}
    done: list[BulkGroup] = []
    rest: list[LandedFile] = []
    for landed, path, encoding, column_order in candidates:
        rules = (rules_by_source or {}).get(landed.source, DEFAULT_RULES)
        found = _member(landed, path, encoding, column_order)
        if found is None:
            rest.append(landed)
            continue
        member, plan = found
        duck_encoding = _BULK_ENCODINGS[codec_name(encoding)]
        key = (landed.format, plan, duck_encoding, rules)
        group = groups.setdefault(
            key, BulkGroup(FORMATS[landed.format], plan, duck_encoding, [], rules=rules)
        )
        group.add(member)
        if len(group.files) >= GROUP_FILES or group.size >= GROUP_BYTES:
            done.append(groups.pop(key))
    return done + list(groups.values()), rest


def load_group(con: duckdb.DuckDBPyConnection, group: BulkGroup, loaded_files_sql: str) -> list[BulkFile]:
    """Load the group; returns the files that must go the per-file path instead.

    First as one scan of the group's records copied into one file; if that does not come
    out exactly, in scans of LIST_SCAN_FILES files each, which name the inexact files.
    """
    back = _load_combined(con, group, loaded_files_sql)
    if back is not None:
        return back
    back = []
    for start in range(0, len(group.files), LIST_SCAN_FILES):
        part = replace(group, files=group.files[start : start + LIST_SCAN_FILES])
        back += _load_listed(con, part, loaded_files_sql)
    return back


def _load_combined(
    con: duckdb.DuckDBPyConnection, group: BulkGroup, loaded_files_sql: str
) -> list[BulkFile] | None:
    """Scan the records of every file, headers dropped, as one file; returns the files sent back.

    None when it did not commit (the listed scans go on).

    Each line is written with its file's index as an extra first field, so the lineage is a
    hash join on a narrow key (an ASOF join on row numbers would sort the wide rows).
    """
    if len(group.files) == 1:  # scanned where it lies, header and all
        scan = read_csv_sql(
            group.layout, group.plan, [group.files[0].path], group.encoding, True, rejects=False
        )
        outcome = _insert_checked(con, group, group.plan, scan, "scan._file_index", loaded_files_sql, False)
        return _sent_back(group, outcome)
    with tempfile.TemporaryDirectory(prefix="ringledger-bulk-") as folder:
        combined = Path(folder) / "records.csv"
        try:
            if not _combine(group, combined):
                return None
        except OSError:
            return None  # a file went missing: the listed scans report it
        plan = replace(group.plan, skip=0, scan_columns=(_FILE_COLUMN, *group.plan.scan_columns))
        scan = read_csv_sql(group.layout, plan, [combined], group.encoding, parallel=True, rejects=False)
        of_row = f"scan.{_FILE_COLUMN}::BIGINT"
        outcome = _insert_checked(con, group, plan, scan, of_row, loaded_files_sql, False)
        return _sent_back(group, outcome)


def _sent_back(group: BulkGroup, outcome: tuple[bool, set[int]] | None) -> list[BulkFile] | None:
    if outcome is None or not outcome[0]:
        return None
    return [f for i, f in enumerate(group.files) if i in outcome[1]]


def _combine(group: BulkGroup, target: Path) -> bool:
    """Write every file's record lines, each led by the file's index, to ``target``.

    False when a file has a blank line.
    """
    utf8, delimiter = group.encoding == "utf-8", group.layout.delimiter.encode()
    with target.open("wb") as out:
        for index, member in enumerate(group.files):
            body = member.path.read_bytes()
            if group.plan.skip:
                body = body.split(b"\n", group.plan.skip)[-1]
            elif utf8 and body.startswith(_BOM):
                body = body[len(_BOM) :]  # the scan drops it only at the start of its file
            if body.startswith((b"\n", b"\r\n")) or b"\n\n" in body or b"\n\r\n" in body:
                return False  # a blank line shifts the numbers: the listed scans find which file
            lead = str(index).encode() + delimiter
            out.write(lead + body.rstrip(b"\n").replace(b"\n", b"\n" + lead) + b"\n")
    return True


def _load_listed(con: duckdb.DuckDBPyConnection, group: BulkGroup, loaded_files_sql: str) -> list[BulkFile]:
    """Scan the files as a list; inexact files are named, and the rest loaded again without them."""
    outcome = _listed_attempt(con, group, loaded_files_sql)
    if outcome is None:
        return group.files
    committed, named = outcome
    sent = [f for i, f in enumerate(group.files) if i in named]
    good = [f for i, f in enumerate(group.files) if i not in named]
    if committed or not good:
        return sent
    again = _listed_attempt(con, replace(group, files=good), loaded_files_sql)
    if again is None or not again[0]:
        return group.files
    return sent + [f for i, f in enumerate(good) if i in again[1]]


def _listed_attempt(
    con: duckdb.DuckDBPyConnection, group: BulkGroup, loaded_files_sql: str
) -> tuple[bool, set[int]] | None:
    scan = read_csv_sql(group.layout, group.plan, [f.path for f in group.files], group.encoding, True)
    return _insert_checked(con, group, group.plan, scan, "scan._file_index", loaded_files_sql, True)


def _insert_checked(
    con: duckdb.DuckDBPyConnection,
    group: BulkGroup,
    plan: ScanPlan,
    scan: str,
    file_of_row: str,
    loaded_files_sql: str,
    name_files: bool,
) -> tuple[bool, set[int]] | None:
    """Check the scan's rows and insert the valid files' in one transaction, if every file came out exactly.

    Returns (True, files with invalid records: not inserted) when committed; (False, inexact
    files: DuckDB rejected a line or the row count is not the line count, and the invalid
    ones) when rolled back and ``name_files``; None when the scan failed or cannot name them.
    """
    fmt = group.fmt
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ringledger_bulk_files (file_index BIGINT, path VARCHAR, "
        "source VARCHAR, sha256 VARCHAR, landed_path VARCHAR, records_before BIGINT, records BIGINT, "
        "landed_at TIMESTAMPTZ)"
    )
    con.executemany(
        "INSERT INTO ringledger_bulk_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                i,
                str(f.path),
                f.landed.source,
                f.landed.sha256,
                f.landed.landed_path,
                before,
                f.records,
                f.landed.landed_at,
            )
            for i, (f, before) in enumerate(_running_totals(group.files))
        ],
    )
    columns = ", ".join(quote_ident(c) for c in fmt.columns)
    drop_rejects(con)
    try:
        # In scan order (insertion order is kept), so a row id is the row's place in the scan; a
        # row_number() window would run the whole load on one thread.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE ringledger_bulk_scan AS "
            f"SELECT *, file_index AS _file_index FROM {scan}"
        )
    except duckdb.Error:
        return None
    present = tuple(c for c in fmt.columns if c in plan.scan_columns)
    flagged = check_rows(
        con, fmt, "ringledger_bulk_scan", group.rules, (field_count_rule(group.layout, plan),), present
    )
    invalid: set[int] = set()
    if flagged:
        invalid = {
            row[0]
            for row in con.execute(
                f"""SELECT DISTINCT {file_of_row} FROM ringledger_bulk_scan AS scan
                    JOIN {CHECKS} AS checks ON checks._row = scan.rowid WHERE checks.reason IS NOT NULL"""
            ).fetchall()
        }
    flags, flags_join = "NULL", ""
    if flagged:
        flags, flags_join = "checks.flags", f"LEFT JOIN {CHECKS} AS checks ON checks._row = scan.rowid"
    valid_files = f"WHERE {file_of_row} NOT IN ({', '.join(map(str, sorted(invalid)))})" if invalid else ""
    expected = sum(f.records for i, f in enumerate(group.files) if i not in invalid)
    scanned = {c: f"nullif(scan.{quote_ident(c)}, '')" for c in fmt.columns if c in plan.scan_columns}
    key = record_key_sql(fmt, scanned, "files.landed_at")
    con.execute("BEGIN TRANSACTION")
    try:
        inserted = con.execute(
            f"""INSERT INTO {fmt.raw_table} ({columns}, {", ".join(LINEAGE)}, {KEY_COLUMN})
                SELECT {kept_columns(fmt, plan, "scan")}, files.source, files.sha256, files.landed_path,
                       scan.rowid + 1 - files.records_before + {group.plan.skip}, {flags}, {key}
                FROM ringledger_bulk_scan AS scan
                JOIN ringledger_bulk_files AS files ON files.file_index = {file_of_row}
                {flags_join}
                {valid_files}"""
        ).fetchall()[0][0]
        rejected = name_files and con.execute(f"SELECT count(*) FROM {REJECTS}_errors").fetchall()[0][0]
        inexact: set[int] | None = set()
        if rejected or inserted != expected:
            inexact = _inexact_files(con, fmt) if name_files else None
        if inexact is None or inexact:
            con.execute("ROLLBACK")
            return None if inexact is None else (False, inexact | invalid)
        loaded = [_loaded_row(f) for i, f in enumerate(group.files) if i not in invalid]
        con.executemany(loaded_files_sql, loaded)
        kept = [(f.landed.source, f.landed.sha256) for i, f in enumerate(group.files) if i not in invalid]
        mark_duplicates(con, fmt, kept)  # records seen before: raw.record_duplicates
        con.execute("COMMIT")
        return True, invalid
    except duckdb.Error:
        con.execute("ROLLBACK")
        return None
    finally:
        con.execute("DROP TABLE IF EXISTS ringledger_bulk_scan")
        con.execute(f"DROP TABLE IF EXISTS {CHECKS}")


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
