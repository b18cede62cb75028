"""Load landed files into the warehouse's raw tables: one row per record, with lineage.

Each landed file is loaded once (``raw.loaded_files`` remembers it). Plain
delimited files go many at a time through ``ingestion.raw.bulk``; the others,
and any group that fast path gives back, are staged one by one into temporary
tables, then written in batches, each batch in one transaction, so a crash
leaves every file either whole or absent (and the warehouse file is committed
once per batch, not once per file). The format's
reader (``ingestion.raw.readers``) stages the records; records that do not parse go
to ``raw.quarantine`` with file, line, byte offset (0-based), raw text, field and
reason; the rest of the file still loads. Every record is checked against its
format's rules at load (``ingestion.raw.validation``); a record kept with a remark
(a duration above the source's maximum, replaced text) carries it in ``_flags``,
and the bytes as written of replaced text go to ``raw.replaced_text``.

A file that is not a file of its format is quarantined whole, as one row with line 0:
one its reader cannot read at all, and one none of whose records is valid (every
line that is not blank, a header, a page header or a date record failed: a JSON
file or a PNG dropped into an Asterisk folder). It never stops the load of the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingestion.collect.landing import LandedFile, read_manifest
from ingestion.formats import FORMATS, FormatDefinition, compression
from ingestion.formats.definition import Delimited, FixedWidth
from ingestion.formats.text_decoding import decode_line
from ingestion.raw.bulk import LINEAGE, group_files, load_group
from ingestion.raw.readers import (
    BAD,
    REPLACED,
    STAGED,
    WHOLE_FILE,
    Staging,
    create_bad_table,
    lines_at,
    quote_ident,
)
from ingestion.raw.readers.delimited import stage_delimited
from ingestion.raw.readers.records import stage_fixed_width, stage_framed
from ingestion.raw.record_identity import KEY_COLUMN, ensure_identity, mark_duplicates, record_key_sql
from ingestion.raw.validation import DEFAULT_RULES, SourceRules

LINEAGE_COLUMNS = LINEAGE
_WHOLE_FILE_SHOWN = 200  # characters of a whole-file quarantine's first bad line


@dataclass(frozen=True)
class FileLoad:
    source: str
    landed_path: str
    records: int
    quarantined: int
    skipped_lines: int = 0  # header rows, page headers, date records: not records, not errors
    ignored_columns: tuple[str, ...] = field(default=())  # header names the format does not know
    whole_file_reason: str = ""  # why the whole file was quarantined (not a file of its format)


# called as files are written: (files loaded so far, files pending in all, records loaded so far)
LoadProgress = Callable[[int, int, int], None]


def _no_progress(_files: int, _total: int, _records: int) -> None:
    return None


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the bookkeeping tables and one raw table per known format."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(
        """CREATE TABLE IF NOT EXISTS raw.loaded_files (
            source VARCHAR, format VARCHAR, sha256 VARCHAR, original_name VARCHAR,
            landed_path VARCHAR, size BIGINT, landed_at TIMESTAMPTZ, records BIGINT,
            quarantined BIGINT, loaded_at TIMESTAMPTZ DEFAULT now(),
            PRIMARY KEY (source, sha256))"""
    )
    con.execute(
        """CREATE TABLE IF NOT EXISTS raw.quarantine (
            source VARCHAR, format VARCHAR, file_sha256 VARCHAR, landed_path VARCHAR,
            line BIGINT, byte_offset BIGINT, raw_record VARCHAR, reason VARCHAR,  -- byte_offset: 0-based
            quarantined_at TIMESTAMPTZ DEFAULT now(), field VARCHAR)"""
    )
    con.execute("ALTER TABLE raw.quarantine ADD COLUMN IF NOT EXISTS field VARCHAR")  # warehouses before it
    con.execute(
        """CREATE TABLE IF NOT EXISTS raw.replaced_text (
            source VARCHAR, format VARCHAR, file_sha256 VARCHAR, landed_path VARCHAR,
            line BIGINT, field VARCHAR, original BLOB, replaced_at TIMESTAMPTZ DEFAULT now())"""
    )
    for fmt in FORMATS.values():
        columns = ", ".join(f"{quote_ident(c)} VARCHAR" for c in fmt.columns)
        con.execute(
            f"""CREATE TABLE IF NOT EXISTS {fmt.raw_table} ({columns},
                _source VARCHAR, _file_sha256 VARCHAR, _landed_path VARCHAR, _record_no BIGINT,
                _flags VARCHAR)"""
        )
        con.execute(f"ALTER TABLE {fmt.raw_table} ADD COLUMN IF NOT EXISTS _flags VARCHAR")
    ensure_identity(con)  # _record_key on every raw table, raw.record_duplicates


def stage_file(
    con: duckdb.DuckDBPyConnection,
    fmt: FormatDefinition,
    path: Path,
    encoding: str = "utf-8",
    column_order: tuple[str, ...] | None = None,
    rules: SourceRules = DEFAULT_RULES,
) -> Staging:
    """Fill the staging tables from one file with the reader its layout needs."""
    if isinstance(fmt.layout, Delimited):
        return stage_delimited(con, fmt, path, encoding, column_order, rules)
    if isinstance(fmt.layout, FixedWidth):
        return stage_fixed_width(con, fmt, path, encoding, rules)
    return stage_framed(con, fmt, path, encoding, rules)


QUARANTINE_COLUMNS = "source, format, file_sha256, landed_path, line, byte_offset, raw_record, reason, field"
REPLACED_COLUMNS = "source, format, file_sha256, landed_path, line, field, original"
LOADED_FILES_COLUMNS = (
    "source, format, sha256, original_name, landed_path, size, landed_at, records, quarantined"
)
LOADED_FILES_SQL = f"INSERT INTO raw.loaded_files ({LOADED_FILES_COLUMNS}) VALUES ({', '.join('?' * 9)})"
BATCH_FILES = 200
LARGE_FILE_RECORDS = 50_000


class _Batch:
    """Staged files waiting for the one transaction that writes them all, or none."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.formats: set[str] = set()
        self.files: list[tuple] = []
        self.large: list[tuple[FormatDefinition, str, LandedFile]] = []  # staged tables written as they are
        con.execute(
            "CREATE OR REPLACE TEMP TABLE ringledger_batch_quarantine AS "
            f"SELECT {QUARANTINE_COLUMNS} FROM raw.quarantine LIMIT 0"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE ringledger_batch_replaced AS "
            f"SELECT {REPLACED_COLUMNS} FROM raw.replaced_text LIMIT 0"
        )

    @staticmethod
    def _table(fmt: FormatDefinition) -> str:
        return f"ringledger_batch_{fmt.name}"

    def add(self, fmt: FormatDefinition, landed: LandedFile) -> tuple[int, int]:
        """Move the staged records and quarantined lines of one file into the batch."""
        con, table = self.con, self._table(fmt)
        if fmt.name not in self.formats:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {fmt.raw_table} LIMIT 0")
            self.formats.add(fmt.name)
        records = con.execute(f"SELECT count(*) FROM {STAGED}").fetchall()[0][0]
        if records >= LARGE_FILE_RECORDS:  # one copy fewer: the staged table is written at flush
            kept = f"ringledger_large_{len(self.large)}"
            con.execute(f"ALTER TABLE {STAGED} RENAME TO {kept}")
            self.large.append((fmt, kept, landed))
        else:
            con.execute(_insert_with_lineage(table, fmt, STAGED), _lineage_parameters(landed))
            con.execute(f"DROP TABLE {STAGED}")
        lineage = [landed.source, fmt.name, landed.sha256, landed.landed_path]
        quarantined = con.execute(
            f"""INSERT INTO ringledger_batch_quarantine
                SELECT ?, ?, ?, ?, line, byte_offset, raw_record, reason, field FROM {BAD} ORDER BY line""",
            lineage,
        ).fetchall()[0][0]
        con.execute(
            f"INSERT INTO ringledger_batch_replaced SELECT ?, ?, ?, ?, line, field, original FROM {REPLACED}",
            lineage,
        )
        con.execute(f"DROP TABLE {BAD}")
        con.execute(f"DROP TABLE {REPLACED}")
        self.files.append(
            (
                landed.source, fmt.name, landed.sha256, landed.original_name, landed.landed_path,
                landed.size, landed.landed_at, records, quarantined,
            )
        )  # fmt: skip
        return records, quarantined

    def flush(self) -> None:
        """Write the batch in one transaction and start an empty one."""
        if not self.files:
            return
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            for name in sorted(self.formats):
                con.execute(
                    f"INSERT INTO {FORMATS[name].raw_table} SELECT * FROM {self._table(FORMATS[name])}"
                )
            for fmt, kept, landed in self.large:
                con.execute(_insert_with_lineage(fmt.raw_table, fmt, kept), _lineage_parameters(landed))
            con.execute(
                f"INSERT INTO raw.quarantine ({QUARANTINE_COLUMNS}) SELECT * FROM ringledger_batch_quarantine"
            )
            con.execute(
                f"INSERT INTO raw.replaced_text ({REPLACED_COLUMNS}) SELECT * FROM ringledger_batch_replaced"
            )
            con.executemany(LOADED_FILES_SQL, self.files)
            for name in sorted({row[1] for row in self.files}):  # records seen before: raw.record_duplicates
                files = [(row[0], row[2]) for row in self.files if row[1] == name]
                mark_duplicates(con, FORMATS[name], files)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        for name in self.formats:
            con.execute(f"DROP TABLE {self._table(FORMATS[name])}")
        for _, kept, _ in self.large:
            con.execute(f"DROP TABLE {kept}")
        self.large.clear()
        self.formats.clear()
        self.files.clear()
        con.execute("DELETE FROM ringledger_batch_quarantine")
        con.execute("DELETE FROM ringledger_batch_replaced")


def _insert_with_lineage(target: str, fmt: FormatDefinition, staged: str) -> str:
    """INSERT of a staged file's records into ``target``; parameters: ``_lineage_parameters``."""
    column_list = ", ".join(quote_ident(c) for c in fmt.columns)
    key = record_key_sql(fmt, landed_at="?::TIMESTAMPTZ")
    return f"""INSERT INTO {target} ({column_list}, {", ".join(LINEAGE_COLUMNS)}, {KEY_COLUMN})
               SELECT {column_list}, ?, ?, ?, _record_no, _flags, {key} FROM {staged}"""


def _lineage_parameters(landed: LandedFile) -> list:
    """Source, sha256, landed path, then the landing time for a key that includes it."""
    landing = [landed.landed_at] if _keyed_by_landing(landed) else []
    return [landed.source, landed.sha256, landed.landed_path, *landing]


def _keyed_by_landing(landed: LandedFile) -> bool:
    identity = FORMATS[landed.format].identity
    return bool(identity and identity.landed)


def _stage_into(
    batch: _Batch,
    landed: LandedFile,
    landing_dir: Path,
    encoding: str,
    column_order: tuple[str, ...] | None,
    rules: SourceRules = DEFAULT_RULES,
) -> FileLoad:
    """Read one landed file with its format's reader and add it to the batch."""
    fmt = FORMATS[landed.format]
    # .gz/.zst land as received; readers see the decompressed text (lines and offsets count in it).
    with compression.decompressed_copy(landing_dir / landed.landed_path) as path:
        # Staging touches only temporary tables; a failed scan must not abort the transaction.
        staging = _stage_or_quarantine_whole(batch.con, fmt, path, encoding, column_order, rules)
        _fill_quarantine_details(batch.con, path, encoding)
        _quarantine_whole_if_nothing_valid(batch.con, fmt, path, staging)
    whole = batch.con.execute(f"SELECT reason FROM {BAD} WHERE line = 0").fetchall()
    records, quarantined = batch.add(fmt, landed)
    return FileLoad(
        landed.source,
        landed.landed_path,
        records,
        quarantined,
        staging.skipped_lines,
        staging.ignored_columns,
        whole[0][0] if whole else "",
    )


def load_file(
    con: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    landing_dir: Path,
    encoding: str = "utf-8",
    column_order: tuple[str, ...] | None = None,
    rules: SourceRules = DEFAULT_RULES,
) -> FileLoad:
    """Load one landed file into its format's raw table, quarantining what does not parse."""
    batch = _Batch(con)
    load = _stage_into(batch, landed, landing_dir, encoding, column_order, rules)
    batch.flush()
    return load


def _stage_or_quarantine_whole(
    con: duckdb.DuckDBPyConnection,
    fmt: FormatDefinition,
    path: Path,
    encoding: str,
    column_order: tuple[str, ...] | None,
    rules: SourceRules,
) -> Staging:
    """Stage the file; if its reader cannot read it at all, stage nothing and quarantine the file."""
    try:
        if not path.stat().st_size:  # an empty file holds no record: loaded as such
            _stage_nothing(con, fmt)
            return Staging()
        if compression.is_compressed(path.name):  # decompressed_copy gave it back: it does not decode
            raise ValueError(compression.decode_problem(path) or "truncated or corrupt compressed file")
        return stage_file(con, fmt, path, encoding, column_order, rules)
    except (duckdb.Error, ValueError) as exc:
        _stage_nothing(con, fmt)
        reason = f"UNREADABLE FILE as {fmt.name}: {str(exc).splitlines()[0]}"
        con.execute(f"INSERT INTO {BAD} VALUES (0, 0, NULL, ?, ?)", [reason, WHOLE_FILE])
        return Staging()


def _stage_nothing(con: duckdb.DuckDBPyConnection, fmt: FormatDefinition) -> None:
    columns = ", ".join(f"NULL::VARCHAR AS {quote_ident(c)}" for c in fmt.columns)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGED} AS "
        f"SELECT {columns}, 0::BIGINT AS _record_no, NULL::VARCHAR AS _flags LIMIT 0"
    )
    create_bad_table(con)


def _quarantine_whole_if_nothing_valid(
    con: duckdb.DuckDBPyConnection, fmt: FormatDefinition, path: Path, staging: Staging
) -> None:
    """A file none of whose records is valid is not a file of its format: one row, line 0.

    So is a file with text in which the reader found no record at all and nothing it skips on
    purpose (a JSON document in an NEC folder holds no STX/ETX frame).
    """
    staged = con.execute(f"SELECT count(*) FROM {STAGED}").fetchall()[0][0]
    bad = con.execute(f"SELECT count(*), min(line) FROM {BAD} WHERE line >= 0").fetchall()[0]
    if staged or (not bad[0] and (staging.skipped_lines or not _holds_text(path))):
        return
    if not bad[0]:
        _stage_nothing(con, fmt)
        reason = f"NOT A {fmt.name} FILE: no {fmt.layout.kind} record in its {path.stat().st_size} bytes"
        con.execute(f"INSERT INTO {BAD} VALUES (0, 0, NULL, ?, ?)", [reason, WHOLE_FILE])
        return
    if con.execute(f"SELECT count(*) FROM {BAD} WHERE line = 0").fetchall()[0][0]:
        return  # already quarantined whole (unreadable)
    count, first = bad
    first_bad = f"SELECT raw_record, reason FROM {BAD} WHERE line = ? LIMIT 1"
    raw, reason = con.execute(first_bad, [first]).fetchall()[0]
    shown = raw if raw is None or len(raw) <= _WHOLE_FILE_SHOWN else raw[:_WHOLE_FILE_SHOWN] + "…"
    _stage_nothing(con, fmt)
    whole = (
        f"NOT A {fmt.name} FILE: none of its {count} records is a valid {fmt.name} record "
        f"(line {first}: {reason})"
    )
    con.execute(f"INSERT INTO {BAD} VALUES (0, 0, ?, ?, ?)", [shown, whole, WHOLE_FILE])


def _holds_text(path: Path) -> bool:
    with path.open("rb") as handle:
        return bool(handle.read(1 << 16).strip())


def _fill_quarantine_details(con: duckdb.DuckDBPyConnection, path: Path, encoding: str) -> None:
    """Give every quarantined line its byte offset and its text, read from the landed file itself."""
    wanted = [
        row[0]
        for row in con.execute(
            f"SELECT DISTINCT line FROM {BAD} WHERE line > 0 AND (byte_offset IS NULL OR raw_record IS NULL)"
        ).fetchall()
    ]
    if not wanted:
        return
    details = lines_at(path.read_bytes(), sorted(wanted))
    if not details:
        return
    con.executemany(
        f"""UPDATE {BAD} SET byte_offset = coalesce(byte_offset, ?), raw_record = coalesce(raw_record, ?)
            WHERE line = ?""",
        [(offset, decode_line(raw, encoding), line) for line, (offset, raw) in details.items()],
    )


def pending_files(con: duckdb.DuckDBPyConnection, landing_dir: Path, formats: set[str]) -> list[LandedFile]:
    """Landed files of the given formats that are not in the raw tables yet."""
    loaded = set(con.execute("SELECT source, sha256 FROM raw.loaded_files").fetchall())
    return [
        f for f in read_manifest(landing_dir) if f.format in formats and (f.source, f.sha256) not in loaded
    ]


def load_pending(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    formats: set[str],
    encodings: dict[str, str] | None = None,
    column_orders: dict[str, tuple[str, ...]] | None = None,
    rules: dict[str, SourceRules] | None = None,
    progress: LoadProgress = _no_progress,
) -> list[FileLoad]:
    """Load every landed file of the given formats that is not loaded yet.

    ``encodings``, ``column_orders`` and ``rules`` are per source name (``column_orders`` for
    formats whose columns a source configures: Asterisk cdr_custom, 3CX, FreeSWITCH;
    ``rules``: the source's validation settings, the defaults for a source not named).
    ``progress`` is told after each write how many files and records are in.
    """
    ensure_raw_schema(con)
    encodings = encodings or {}
    column_orders = column_orders or {}
    rules = rules or {}
    pending = pending_files(con, landing_dir, formats)
    groups, rest = group_files(
        [
            (f, landing_dir / f.landed_path, encodings.get(f.source, "utf-8"), column_orders.get(f.source))
            for f in pending
        ],
        rules,
    )
    loads = []
    for group in groups:
        per_file = load_group(con, group, LOADED_FILES_SQL)
        rest += [f.landed for f in per_file]
        sent_back = {id(f) for f in per_file}
        loads += [
            FileLoad(f.landed.source, f.landed.landed_path, f.records, 0, group.plan.skip,
                     group.plan.ignored_columns)
            for f in group.files if id(f) not in sent_back
        ]  # fmt: skip
        progress(len(loads), len(pending), sum(x.records for x in loads))
    batch = _Batch(con)
    for landed in rest:
        encoding = encodings.get(landed.source, "utf-8")
        source_rules = rules.get(landed.source, DEFAULT_RULES)
        loads.append(
            _stage_into(batch, landed, landing_dir, encoding, column_orders.get(landed.source), source_rules)
        )
        if len(batch.files) >= BATCH_FILES:
            batch.flush()
            progress(len(loads), len(pending), sum(x.records for x in loads))
    batch.flush()
    progress(len(loads), len(pending), sum(x.records for x in loads))
    return loads
