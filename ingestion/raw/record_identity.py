"""Records counted once: each raw record's identity key, and the records seen again listed as duplicates.

Every raw table carries ``_record_key``: the MD5 (as a 128-bit number) of the fields its
format declares as its identity (``ingestion.formats.identity``), empty as absent, with
the file's landing day or year where the format says so. It is computed in the INSERT
that loads the record (``record_key_sql``), on the bulk and the per-file path alike.

In the transaction that loads some files, ``mark_duplicates`` looks up the keys of
their records among every record of the same source loaded so far: where a key occurs
more than once, the first occurrence (earliest landed file, then line) is the record,
and every other one is listed in ``raw.record_duplicates`` with the first it repeats.
The raw rows themselves are never changed (raw is immutable); staging reads raw
without the listed rows (the dbt macro ``raw_records``), so a duplicate never reaches
the legs. A file landed earlier but loaded later takes the first place: the key's
rows are listed again.

A warehouse whose raw rows have no key yet (loaded before this module existed), or whose
keys were made by another declaration, gets them recomputed by ``ensure_identity``
(one UPDATE per format table, once), which then lists the duplicates of the whole table;
the call facts need one ``--full-refresh`` to drop legs built from duplicates before.
"""

from __future__ import annotations

import hashlib

import duckdb

from ingestion.formats import FORMATS, FormatDefinition
from ingestion.formats.identity import RecordIdentity
from ingestion.raw.readers import quote_ident, sql_str

DUPLICATES = "raw.record_duplicates"
KEY_COLUMN = "_record_key"
DUPLICATE_OF = "_duplicate_of"  # on a raw row seen before: '<first file sha256>:<first record number>'
_NEW_FILES = "ringledger_identity_files"

DUPLICATE_COLUMNS = (
    "source, format, file_sha256, record_no, record_key, first_file_sha256, first_record_no, landed_at"
)


def identity_of(fmt: FormatDefinition) -> RecordIdentity:
    """The format's declared identity; a format without one is identified by all its columns."""
    if fmt.identity is not None:
        return fmt.identity
    return RecordIdentity(fields=fmt.columns, reason="no identity declared: every field")


def recipe(fmt: FormatDefinition) -> str:
    """A short digest of how the format's keys are made: a changed declaration recomputes them."""
    identity = identity_of(fmt)
    text = "\x1f".join((*identity.fields, identity.landed, identity.landed_when, "md5_number/v1"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def record_key_sql(fmt: FormatDefinition, column: dict[str, str] | None = None, landed_at: str = "") -> str:
    """SQL: the record's key from its identity fields.

    ``column``: SQL for a raw column (default: the column itself); a column absent from it is
    NULL. ``landed_at``: SQL for the file's landing time (TIMESTAMPTZ), used by formats whose key
    includes the landing.
    """
    identity = identity_of(fmt)
    parts = []
    for name in identity.fields:
        expression = quote_ident(name) if column is None else column.get(name, "NULL::VARCHAR")
        parts.append(f"coalesce({expression}, '')")
    if identity.landed:
        landed = f"strftime(timezone('UTC', {landed_at or 'NULL::TIMESTAMPTZ'}), {sql_str(identity.landed)})"
        when = identity.landed_when
        if when and column is not None:
            raise ValueError("landed_when reads the raw columns by name: compute the key over them")
        parts.append(f"CASE WHEN {when} THEN {landed} ELSE '' END" if when else landed)
    return f"md5_number(concat_ws(chr(31), {', '.join(parts)}))"


def ensure_identity(con: duckdb.DuckDBPyConnection) -> None:
    """The duplicates table, ``_record_key`` on every raw table, and keys for rows that lack them."""
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {DUPLICATES} (
            source VARCHAR, format VARCHAR, file_sha256 VARCHAR, record_no BIGINT, record_key UHUGEINT,
            first_file_sha256 VARCHAR, first_record_no BIGINT, landed_at TIMESTAMPTZ,
            marked_at TIMESTAMPTZ DEFAULT now())"""
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS raw.record_identity_recipes (format VARCHAR PRIMARY KEY, recipe VARCHAR)"
    )
    known = dict(con.execute("SELECT format, recipe FROM raw.record_identity_recipes").fetchall())
    keyed = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_columns() WHERE schema_name = 'raw' AND column_name = ?",
            [DUPLICATE_OF],
        ).fetchall()
    }
    for fmt in FORMATS.values():
        if fmt.name not in keyed:
            con.execute(f"ALTER TABLE {fmt.raw_table} ADD COLUMN IF NOT EXISTS {KEY_COLUMN} UHUGEINT")
            con.execute(f"ALTER TABLE {fmt.raw_table} ADD COLUMN IF NOT EXISTS {DUPLICATE_OF} VARCHAR")
        if known.get(fmt.name) == recipe(fmt):
            continue
        if con.execute(f"SELECT count(*) FROM {fmt.raw_table}").fetchall()[0][0]:
            _rekey(con, fmt)
        else:  # nothing to key yet
            con.execute(
                "INSERT OR REPLACE INTO raw.record_identity_recipes VALUES (?, ?)", [fmt.name, recipe(fmt)]
            )


def _rekey(con: duckdb.DuckDBPyConnection, fmt: FormatDefinition) -> None:
    """Recompute every key of the format's table and list its duplicates afresh, in one transaction."""
    landed = (
        "(SELECT landed_at FROM raw.loaded_files AS f"
        " WHERE f.source = t._source AND f.sha256 = t._file_sha256)"
    )
    con.execute("BEGIN TRANSACTION")
    try:
        key = record_key_sql(fmt, None, landed)
        con.execute(f"UPDATE {fmt.raw_table} AS t SET {KEY_COLUMN} = {key}, {DUPLICATE_OF} = NULL")
        con.execute(f"DELETE FROM {DUPLICATES} WHERE format = ?", [fmt.name])
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_NEW_FILES} AS "
            f"SELECT DISTINCT _source AS source, _file_sha256 AS sha256 FROM {fmt.raw_table}"
        )
        _mark(con, fmt)
        con.execute(
            "INSERT OR REPLACE INTO raw.record_identity_recipes VALUES (?, ?)", [fmt.name, recipe(fmt)]
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def mark_duplicates(
    con: duckdb.DuckDBPyConnection, fmt: FormatDefinition, files: list[tuple[str, str]]
) -> int:
    """List the duplicates among the records of ``files`` (source, sha256) and those loaded before.

    Runs inside the caller's transaction, after the files' records and their ``raw.loaded_files``
    rows are inserted. Returns the duplicates listed for the keys those files hold.
    """
    if not files:
        return 0
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_NEW_FILES} (source VARCHAR, sha256 VARCHAR)")
    con.executemany(f"INSERT INTO {_NEW_FILES} VALUES (?, ?)", files)
    return _mark(con, fmt)


def _mark(con: duckdb.DuckDBPyConnection, fmt: FormatDefinition) -> int:
    """(Re)list the duplicates of every key the files in _NEW_FILES hold that occurs more than once."""
    table = fmt.raw_table
    total = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    new = con.execute(
        f"SELECT count(*) FROM {table} WHERE _file_sha256 IN (SELECT sha256 FROM {_NEW_FILES})"
    ).fetchall()[0][0]
    # Mostly new rows (a first load): one aggregate over the table, which lists again the repeated
    # keys the new files do not hold (the same rows). Else only the keys the new rows hold.
    touched = (
        ""
        if 2 * new >= total
        else f"""WHERE r.{KEY_COLUMN} IN (
                SELECT n.{KEY_COLUMN} FROM {table} AS n
                JOIN {_NEW_FILES} AS f ON f.source = n._source AND f.sha256 = n._file_sha256
            )"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ringledger_repeated_keys AS
            SELECT r._source, r.{KEY_COLUMN} FROM {table} AS r
            {touched}
            GROUP BY ALL HAVING count(*) > 1"""
    )
    if not con.execute("SELECT count(*) FROM ringledger_repeated_keys").fetchall()[0][0]:
        return 0
    con.execute(
        f"""DELETE FROM {DUPLICATES} AS d USING ringledger_repeated_keys AS k
            WHERE d.format = {sql_str(fmt.name)} AND d.source = k._source AND d.record_key = k.{KEY_COLUMN}"""
    )
    # The first occurrence: earliest landed file (landing times are to the second: then the file
    # loaded first, in landing order within one load), then line; rows of one record (a Grandstream
    # line holds several CDRs) with the same key as their first are the record itself, not listed.
    listed = con.execute(
        f"""INSERT INTO {DUPLICATES} ({DUPLICATE_COLUMNS})
            WITH occurrences AS (
                SELECT r._source, r._file_sha256, r._record_no, r.{KEY_COLUMN} AS record_key, f.landed_at,
                       row_number() OVER (
                           PARTITION BY r._source, r.{KEY_COLUMN}
                           ORDER BY f.landed_at, f.loaded_at, f.rowid, r._record_no
                       ) AS occurrence
                FROM {table} AS r
                JOIN ringledger_repeated_keys AS k
                    ON k._source = r._source AND k.{KEY_COLUMN} = r.{KEY_COLUMN}
                LEFT JOIN raw.loaded_files AS f ON f.source = r._source AND f.sha256 = r._file_sha256
            ),
            firsts AS (SELECT * FROM occurrences WHERE occurrence = 1)
            SELECT DISTINCT o._source, {sql_str(fmt.name)}, o._file_sha256, o._record_no, o.record_key,
                   firsts._file_sha256, firsts._record_no, o.landed_at
            FROM occurrences AS o
            JOIN firsts ON firsts._source = o._source AND firsts.record_key = o.record_key
            WHERE o.occurrence > 1
              AND (o._file_sha256, o._record_no) <> (firsts._file_sha256, firsts._record_no)"""
    ).fetchall()[0][0]
    _flag_rows(con, fmt)
    return listed


def _flag_rows(con: duckdb.DuckDBPyConnection, fmt: FormatDefinition) -> None:
    """Set _duplicate_of on the raw rows of the repeated keys as listed (cleared where no longer listed)."""
    table = fmt.raw_table
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ringledger_duplicate_flags AS
            SELECT r.rowid AS row_id, d.first_file_sha256 || ':' || d.first_record_no AS duplicate_of
            FROM {table} AS r
            JOIN ringledger_repeated_keys AS k ON k._source = r._source AND k.{KEY_COLUMN} = r.{KEY_COLUMN}
            LEFT JOIN {DUPLICATES} AS d
                ON d.format = {sql_str(fmt.name)} AND d.source = r._source AND d.file_sha256 = r._file_sha256
                AND d.record_no = r._record_no AND d.record_key = r.{KEY_COLUMN}
            WHERE r.{DUPLICATE_OF} IS DISTINCT FROM d.first_file_sha256 || ':' || d.first_record_no"""
    )
    con.execute(
        f"""UPDATE {table} SET {DUPLICATE_OF} = flags.duplicate_of
            FROM ringledger_duplicate_flags AS flags WHERE {table}.rowid = flags.row_id"""
    )
