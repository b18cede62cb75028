"""Publish a read-only serving copy of the warehouse marts.

The pipeline alone writes the warehouse file. After a good build, the marts are
copied into a new, versioned DuckDB file; ``CURRENT`` is then switched to it
atomically. Readers (Superset) attach ``CURRENT`` read-only on each connection,
so they never see a half-built table or meet the writer's lock. Older versions
are pruned, keeping a few for readers still attached to them. When dbt's rebuild log shows that
nothing the copy holds has changed, no new version is written.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion.config.settings import duckdb_memory_limit
from orchestration.serving import fingerprints as fp
from orchestration.serving import rebuild_log

POINTER_NAME = "CURRENT"
PUBLISHED_SCHEMAS = ("marts",)
KEEP_VERSIONS = 5
REPLACE_FRACTION = 0.5  # a table whose changed groups hold more of its rows is replaced whole
COMPACT_FREE_FRACTION = 0.3  # a new version with more of its blocks free is rewritten without them


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Publication:
    """A new published version: its file, its tables' row counts, and what changed from the last one."""

    path: Path
    version: str
    tables: dict[str, int]
    incremental: bool = False  # started as a copy of the previous version
    kept: tuple[str, ...] = ()
    created: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()  # rewritten whole: columns or rows changed
    groups: dict[str, int] = field(default_factory=dict)  # table -> day groups rewritten or deleted
    dropped: tuple[str, ...] = ()
    compacted: bool = False  # rewritten without the free blocks dropped tables left
    unchanged: bool = False  # nothing differed: no new version, ``path`` is the one still served
    seconds: float = 0.0

    def summary(self) -> str:
        """One line, e.g. ``published: 3 tables replaced, 12 day groups replaced, 15 kept (2.1 s)``."""
        took = f"({self.seconds:.1f} s)"
        if self.unchanged:
            kept = _count(len(self.kept), "table")
            return f"published: nothing changed, {kept} kept, version {self.version} still served {took}"
        if not self.incremental:
            return f"published (full copy): {len(self.tables)} tables {took}"
        parts = [f"{_count(len(self.replaced) + len(self.created), 'table')} replaced"]
        if self.groups:
            groups = _count(sum(self.groups.values()), "day group")
            parts.append(f"{groups} replaced in {', '.join(self.groups)}")
        parts.append(f"{len(self.kept)} kept")
        if self.dropped:
            parts.append(f"{len(self.dropped)} dropped")
        if self.compacted:
            parts.append("compacted")
        return f"published: {', '.join(parts)} {took}"


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


@dataclass
class _Changes:
    """What a publish did to each table, collected as it goes."""

    rows: dict[str, int] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    groups: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)


def _quote(value: object) -> str:
    return str(value).replace("'", "''")


def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a table and checkpoint, so that what is written next reuses its blocks."""
    con.execute(f"DROP TABLE IF EXISTS main.{fp.ident(name)}")
    con.execute("CHECKPOINT")


def _replace(con: duckdb.DuckDBPyConnection, table: fp.WarehouseTable, existing: bool = True) -> None:
    """Copy the warehouse table whole, in place of the published one when ``existing``."""
    if existing:
        _drop(con, table.name)
    con.execute(f"CREATE TABLE main.{fp.ident(table.name)} AS SELECT * FROM {table.relation}")


def _compare(
    con: duckdb.DuckDBPyConnection,
    table: fp.WarehouseTable,
    columns: fp.Columns | None,
    previous: fp.Fingerprint | None,
    logged: bool,
) -> tuple[fp.Fingerprint, str]:
    """The warehouse table's fingerprint and what its published copy needs: create, replace, keep or
    groups. ``logged``: only the groups in the rebuild log's temp table can have changed in the
    tables incremental by the scope, so only those are hashed."""
    scoped = logged and table.name in rebuild_log.SCOPED_TABLES and previous is not None
    fingerprint = fp.of_table(
        con, table, rebuild_log.REBUILT if scoped and columns == table.columns else None
    )
    if columns is None:
        return fingerprint, "create"
    if columns != table.columns or previous is None or (not table.grouped and previous != fingerprint):
        return fingerprint, "replace"
    return fingerprint, "keep" if previous == fingerprint else "groups"


def _update_table(
    con: duckdb.DuckDBPyConnection,
    table: fp.WarehouseTable,
    columns: fp.Columns | None,
    previous: fp.Fingerprint | None,
    logged: bool,
    changes: _Changes,
) -> None:
    """Make one published table equal the warehouse's: keep it, rewrite its changed groups, or replace it."""
    fingerprint, action = _compare(con, table, columns, previous, logged)
    changes.rows[table.name] = fingerprint.rows
    if action == "create":
        _replace(con, table, existing=False)
        changes.created.append(table.name)
    elif action == "replace":
        _replace(con, table)
        changes.replaced.append(table.name)
    elif action == "keep":
        changes.kept.append(table.name)
        return
    else:
        _update_groups(con, table, fingerprint, changes)
    fp.store(con, table, fingerprint)


def _update_groups(
    con: duckdb.DuckDBPyConnection, table: fp.WarehouseTable, fingerprint: fp.Fingerprint, changes: _Changes
) -> None:
    """Rewrite the groups that differ, or the whole table when they hold most of its rows."""
    groups = fp.changed_groups(con, table)
    if groups.warehouse_rows > REPLACE_FRACTION * fingerprint.rows:
        _replace(con, table)
        changes.replaced.append(table.name)
    else:
        fp.rewrite_changed_groups(con, table)
        changes.groups[table.name] = groups.rewritten + groups.deleted


def _attach(con: duckdb.DuckDBPyConnection, warehouse_path: Path) -> rebuild_log.Position | None:
    """Attach the warehouse read-only; returns the last build its rebuild log holds."""
    con.execute(f"ATTACH '{_quote(warehouse_path)}' AS warehouse (READ_ONLY)")
    return rebuild_log.latest(con)


def _scoped_first(tables: list[fp.WarehouseTable]) -> list[fp.WarehouseTable]:
    return sorted(tables, key=lambda table: table.name not in rebuild_log.SCOPED_TABLES)


def _unchanged(base: Path, warehouse_path: Path) -> dict[str, int] | None:
    """The tables' row counts when the published copy ``base`` still equals the warehouse marts and
    the rebuild log tells it cheaply; None when something differs or only hashing all could tell."""
    con = duckdb.connect(str(base), read_only=True)
    try:
        if not fp.has_state(con):
            return None
        last = _attach(con, warehouse_path)
        try:
            if not rebuild_log.load_rebuilt_since(con, rebuild_log.published_position(con), last):
                return None
            published, previous = fp.published_columns(con), fp.stored(con)
            tables = fp.warehouse_tables(con, PUBLISHED_SCHEMAS)
            if set(published) != {table.name for table in tables} or set(previous) != set(published):
                return None
            rows = {}
            for table in _scoped_first(tables):
                fingerprint, action = _compare(con, table, published[table.name], previous[table.name], True)
                if action != "keep":
                    return None
                rows[table.name] = fingerprint.rows
            return rows
        finally:
            con.execute("DETACH warehouse")
    finally:
        con.close()


def _update_marts(
    con: duckdb.DuckDBPyConnection, warehouse_path: Path
) -> tuple[_Changes, rebuild_log.Position | None]:
    """Make the open file's tables equal the warehouse marts, with their fingerprints stored.
    Returns the changes and the last build of the warehouse's rebuild log, now consumed."""
    last = _attach(con, warehouse_path)
    try:
        logged = rebuild_log.load_rebuilt_since(con, rebuild_log.published_position(con), last)
        fp.create_state(con)
        published, previous = fp.published_columns(con), fp.stored(con)
        tables = fp.warehouse_tables(con, PUBLISHED_SCHEMAS)
        changes = _Changes()
        wanted = {table.name for table in tables}
        for name in sorted(set(published) - wanted):
            _drop(con, name)  # first, so that the tables written next reuse its blocks
            changes.dropped.append(name)
        for name in set(previous) - wanted:
            fp.forget(con, name)
        for table in tables:
            _update_table(con, table, published.get(table.name), previous.get(table.name), logged, changes)
    finally:
        con.execute("DETACH warehouse")
    return changes, last


def _open_partial(partial: Path, base: Path | None) -> tuple[duckdb.DuckDBPyConnection, bool]:
    """The new version's file, open: a copy of ``base`` when its fingerprints can be used, else empty."""
    partial.unlink(missing_ok=True)
    if base is not None and base.exists():
        shutil.copyfile(base, partial)
        con = _connect(partial)
        if fp.has_state(con):
            return con, True
        con.close()
        partial.unlink()
    return _connect(partial), False


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A write connection to a version's file, its buffer pool capped as the warehouse's is."""
    return duckdb.connect(str(path), config={"memory_limit": duckdb_memory_limit()})


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


def _free_fraction(con: duckdb.DuckDBPyConnection) -> float:
    total, free = con.execute(
        "SELECT total_blocks, free_blocks FROM pragma_database_size() "
        "WHERE database_name = current_database()"
    ).fetchall()[0]
    return free / total if total else 0.0


def _compact(partial: Path) -> None:
    """Rewrite ``partial`` without its free blocks: its tables copied into a fresh file that replaces it."""
    compact = partial.with_name(partial.stem + ".compact.partial")
    compact.unlink(missing_ok=True)
    con = duckdb.connect(config={"memory_limit": duckdb_memory_limit()})
    try:
        con.execute(f"ATTACH '{_quote(partial)}' AS source (READ_ONLY)")
        con.execute(f"ATTACH '{_quote(compact)}' AS compact")
        con.execute("COPY FROM DATABASE source TO compact")
    finally:
        con.close()
    os.replace(compact, partial)


def _write(
    partial: Path, base: Path | None, warehouse_path: Path, version: str, now: datetime
) -> tuple[_Changes, bool, bool]:
    """Build the new version in ``partial``: changes applied, version recorded, checkpointed, compacted
    when dropped tables left much of the copy free. Returns the changes, incremental, compacted."""
    con, incremental = _open_partial(partial, base)
    try:
        changes, last = _update_marts(con, warehouse_path)
        con.execute(
            "CREATE OR REPLACE TABLE main._publication AS "
            "SELECT ? AS version, ?::TIMESTAMPTZ AS published_at, ? AS fingerprints, "
            "?::BIGINT AS scope_build_id, ?::VARCHAR AS scope_invocation_id",
            [
                version,
                now.isoformat(),
                fp.FINGERPRINT_KIND,
                last and last.build_id,
                last and last.invocation_id,
            ],
        )
        con.execute("CHECKPOINT")
        bloated = _free_fraction(con) > COMPACT_FREE_FRACTION
    finally:
        con.close()
    if bloated:
        _compact(partial)
    return changes, incremental, bloated


def publish(warehouse_path: Path, published_dir: Path, keep: int = KEEP_VERSIONS) -> Publication:
    """Make a new versioned file equal to the marts and make it current.

    It starts as a copy of the current version when that one has usable fingerprints, and only
    the tables and day groups that differ are rewritten; otherwise every table is copied. When the
    rebuild log shows that nothing differs, the current version stays, and no new one is written.
    """
    if not warehouse_path.exists():
        raise FileNotFoundError(f"{warehouse_path}: no warehouse to publish; run the pipeline first")
    started = time.monotonic()
    published_dir.mkdir(parents=True, exist_ok=True)
    base = current_publication(published_dir)
    unchanged = _unchanged(base, warehouse_path) if base is not None and base.exists() else None
    if base is not None and unchanged is not None:
        return Publication(
            path=base,
            version=published_version(base).version,
            tables=dict(sorted(unchanged.items())),
            incremental=True,
            kept=tuple(sorted(unchanged)),
            unchanged=True,
            seconds=time.monotonic() - started,
        )
    now = datetime.now(UTC)
    version = now.strftime("%Y%m%dT%H%M%S%fZ")
    target = published_dir / f"ringledger-{version}.duckdb"
    partial = target.with_name(target.name + ".partial")
    changes, incremental, compacted = _write(partial, base, warehouse_path, version, now)
    os.replace(partial, target)
    _switch_pointer(published_dir, target)
    _prune(published_dir, keep)
    return Publication(
        path=target,
        version=version,
        tables=dict(sorted(changes.rows.items())),
        incremental=incremental,
        kept=tuple(changes.kept),
        created=tuple(changes.created),
        replaced=tuple(changes.replaced),
        groups=changes.groups,
        dropped=tuple(changes.dropped),
        compacted=compacted,
        seconds=time.monotonic() - started,
    )
