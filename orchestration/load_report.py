"""What a pipeline run loaded, per source: files, records, quarantined lines with their first reasons.

Read from the warehouse's ``raw.loaded_files`` and ``raw.quarantine`` after the run (the files
loaded since it started), for ``ringledger pipeline`` to print.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

FIRST_REASONS = 3

PER_SOURCE = """
SELECT source, count(*), coalesce(sum(records), 0), coalesce(sum(quarantined), 0)
FROM raw.loaded_files WHERE loaded_at >= ? GROUP BY source ORDER BY source
"""
FIRST_QUARANTINED = """
SELECT q.source, coalesce(f.original_name, q.landed_path), q.line, q.reason,
       row_number() OVER (PARTITION BY q.source ORDER BY q.quarantined_at, q.landed_path, q.line) AS n
FROM raw.quarantine AS q
JOIN raw.loaded_files AS f ON f.source = q.source AND f.sha256 = q.file_sha256
WHERE f.loaded_at >= ?
"""


def load_lines(warehouse: Path, since: dt.datetime) -> list[str]:
    """Lines about the files loaded at or after ``since``; nothing when the warehouse has no raw tables."""
    if not warehouse.exists():
        return []
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return []
    try:
        totals = con.execute(PER_SOURCE, [since]).fetchall()
        reasons = con.execute(
            f"SELECT * FROM ({FIRST_QUARANTINED}) WHERE n <= {FIRST_REASONS} ORDER BY 1, n", [since]
        ).fetchall()
    except duckdb.CatalogException:
        return []
    finally:
        con.close()
    if not totals:
        return ["loaded: no new files (`ringledger land` lands new ones first)"]
    lines = ["loaded this run:"]
    for source, files, records, quarantined in totals:
        lines.append(f"  {source}: {files} file(s), {records} records loaded, {quarantined} quarantined")
        lines += [f"    {name}:{line}: {reason}" for s, name, line, reason, _ in reasons if s == source]
        if quarantined:
            lines.append(
                f"    all of them: SELECT * FROM raw.quarantine WHERE source = '{source}' "
                "ORDER BY landed_path, line"
            )
    if any(t[3] for t in totals):
        lines.append(f"  (in the warehouse {warehouse}, e.g. duckdb -readonly {warehouse})")
    return lines
