"""Load landed files into the warehouse's raw tables: one row per record, with lineage.

Each landed file is loaded once (``raw.loaded_files`` remembers it), inside one
transaction, so a crash leaves either the whole file or none of it. Records the
CSV reader cannot split go to ``raw.quarantine`` with file, line, byte offset,
raw text and reason; the rest of the file still loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.formats import FORMATS, FormatDefinition
from ingestion.landing import LandedFile, read_manifest

DUCKDB_ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "latin-1": "latin-1", "iso-8859-1": "latin-1"}
LINEAGE_COLUMNS = ("_source", "_file_sha256", "_landed_path", "_record_no")


@dataclass(frozen=True)
class FileLoad:
    source: str
    landed_path: str
    records: int
    quarantined: int


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
            quarantined_at TIMESTAMPTZ DEFAULT now())"""
    )
    for fmt in FORMATS.values():
        columns = ", ".join(f'"{c}" VARCHAR' for c in fmt.columns)
        con.execute(
            f"""CREATE TABLE IF NOT EXISTS {fmt.raw_table} ({columns},
                _source VARCHAR, _file_sha256 VARCHAR, _landed_path VARCHAR, _record_no BIGINT)"""
        )


def _read_csv_sql(fmt: FormatDefinition, path: Path, encoding: str, rejects: str) -> str:
    columns = ", ".join(f"'{c}': 'VARCHAR'" for c in fmt.columns)
    quote = fmt.quote.replace("'", "''")
    return (
        f"read_csv('{_sql_str(path)}', header = false, skip = {fmt.header_lines}, "
        f"columns = {{{columns}}}, delim = '{fmt.delimiter}', quote = '{quote}', "
        f"escape = '{quote}', null_padding = true, auto_detect = false, "
        f"encoding = '{encoding}', store_rejects = true, "
        f"rejects_table = '{rejects}_errors', rejects_scan = '{rejects}_scans')"
    )


def _sql_str(value: object) -> str:
    return str(value).replace("'", "''")


def load_file(
    con: duckdb.DuckDBPyConnection, landed: LandedFile, landing_dir: Path, encoding: str = "utf-8"
) -> FileLoad:
    """Load one landed file into its format's raw table, quarantining what does not parse."""
    fmt = FORMATS[landed.format]
    path = landing_dir / landed.landed_path
    duck_encoding = DUCKDB_ENCODINGS.get(encoding.lower(), "utf-8")
    rejects = "ringledger_rejects"
    column_list = ", ".join(f'"{c}"' for c in fmt.columns)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DROP TABLE IF EXISTS {rejects}_errors")
        con.execute(f"DROP TABLE IF EXISTS {rejects}_scans")
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE ringledger_staged AS
                SELECT {column_list}, row_number() OVER () AS _record_no
                FROM {_read_csv_sql(fmt, path, duck_encoding, rejects)}"""
        )
        # Records are numbered by their line in the file: rejected lines keep their numbers.
        con.execute(
            f"""INSERT INTO {fmt.raw_table}
                WITH rejected AS (SELECT DISTINCT line FROM {rejects}_errors),
                lines AS (
                    SELECT row_number() OVER (ORDER BY n) AS nth_good, n AS line
                    FROM range(1, (SELECT count(*) FROM ringledger_staged)
                                  + (SELECT count(*) FROM rejected) + 1) AS t(n)
                    WHERE n NOT IN (SELECT line FROM rejected)
                )
                SELECT {column_list}, ?, ?, ?, lines.line
                FROM ringledger_staged
                JOIN lines ON lines.nth_good = ringledger_staged._record_no""",
            [landed.source, landed.sha256, landed.landed_path],
        )
        records = con.execute("SELECT count(*) FROM ringledger_staged").fetchone()[0]
        con.execute("DROP TABLE ringledger_staged")
        quarantined = con.execute(
            f"""INSERT INTO raw.quarantine
                  (source, format, file_sha256, landed_path, line, byte_offset, raw_record, reason)
                SELECT ?, ?, ?, ?, line, min(line_byte_position) - 1, any_value(csv_line),
                       string_agg(DISTINCT error_type || ': ' || error_message, '; ')
                FROM {rejects}_errors
                GROUP BY line
                ORDER BY line""",
            [landed.source, fmt.name, landed.sha256, landed.landed_path],
        ).fetchone()[0]
        con.execute(
            """INSERT INTO raw.loaded_files
                 (source, format, sha256, original_name, landed_path, size, landed_at,
                  records, quarantined)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                landed.source,
                fmt.name,
                landed.sha256,
                landed.original_name,
                landed.landed_path,
                landed.size,
                landed.landed_at,
                records,
                quarantined,
            ],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return FileLoad(landed.source, landed.landed_path, records, quarantined)


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
) -> list[FileLoad]:
    """Load every landed file of the given formats that is not loaded yet."""
    ensure_raw_schema(con)
    encodings = encodings or {}
    return [
        load_file(con, landed, landing_dir, encodings.get(landed.source, "utf-8"))
        for landed in pending_files(con, landing_dir, formats)
    ]
