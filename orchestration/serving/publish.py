"""Publish a read-only serving copy of the warehouse marts.

The pipeline alone writes the warehouse file. After a good build, the marts are
copied into a new, versioned DuckDB file; ``CURRENT`` is then switched to it
atomically. Readers (Superset) attach ``CURRENT`` read-only on each connection,
so they never see a half-built table or meet the writer's lock. Older versions
are pruned, keeping a few for readers still attached to them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

POINTER_NAME = "CURRENT"
PUBLISHED_SCHEMAS = ("marts",)
KEEP_VERSIONS = 5


@dataclass(frozen=True)
class Publication:
    path: Path
    version: str
    tables: dict[str, int]


@dataclass(frozen=True)
class PublishedVersion:
    """A published copy as its ``_publication`` table describes it."""

    path: Path
    version: str
    published_at: datetime


def current_publication(published_dir: Path) -> Path | None:
    """The file ``CURRENT`` points at, or None before the first publish."""
    pointer = published_dir / POINTER_NAME
    if not pointer.exists():
        return None
    return published_dir / pointer.read_text(encoding="utf-8").strip()


def published_version(path: Path) -> PublishedVersion:
    """Version and publication time of a published copy, read from it (read-only, as readers do)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("SELECT version, published_at FROM main._publication").fetchall()
        version, published_at = rows[0]
    finally:
        con.close()
    return PublishedVersion(path=path, version=version, published_at=published_at.astimezone(UTC))


def current_version(published_dir: Path) -> PublishedVersion | None:
    """What readers are served now, or None before the first publish."""
    path = current_publication(published_dir)
    return published_version(path) if path is not None and path.exists() else None


def _quote(value: object) -> str:
    return str(value).replace("'", "''")


def _copy_marts(con: duckdb.DuckDBPyConnection, warehouse_path: Path) -> dict[str, int]:
    con.execute(f"ATTACH '{_quote(warehouse_path)}' AS warehouse (READ_ONLY)")
    try:
        names = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = 'warehouse' AND list_contains(?, schema_name) ORDER BY 2",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        counts = {}
        for schema, table in names:
            con.execute(f'CREATE TABLE main."{table}" AS SELECT * FROM warehouse."{schema}"."{table}"')
            counts[table] = con.execute(f'SELECT count(*) FROM main."{table}"').fetchall()[0][0]
    finally:
        con.execute("DETACH warehouse")
    return counts


def _switch_pointer(published_dir: Path, target: Path) -> None:
    pointer = published_dir / POINTER_NAME
    partial = pointer.with_name(POINTER_NAME + ".partial")
    partial.write_text(target.name + "\n", encoding="utf-8")
    os.replace(partial, pointer)


def _prune(published_dir: Path, keep: int) -> None:
    current = current_publication(published_dir)
    versions = sorted(published_dir.glob("ringledger-*.duckdb"))
    for old in versions[:-keep]:
        if old != current:
            old.unlink(missing_ok=True)


def publish(warehouse_path: Path, published_dir: Path, keep: int = KEEP_VERSIONS) -> Publication:
    """Copy the marts into a new versioned file and make it current."""
    if not warehouse_path.exists():
        raise FileNotFoundError(f"{warehouse_path}: no warehouse to publish; run the pipeline first")
    published_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    version = now.strftime("%Y%m%dT%H%M%S%fZ")
    target = published_dir / f"ringledger-{version}.duckdb"
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    con = duckdb.connect(str(partial))
    try:
        tables = _copy_marts(con, warehouse_path)
        con.execute(
            "CREATE TABLE main._publication AS SELECT ? AS version, ?::TIMESTAMPTZ AS published_at",
            [version, now.isoformat()],
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(partial, target)
    _switch_pointer(published_dir, target)
    _prune(published_dir, keep)
    return Publication(path=target, version=version, tables=tables)
