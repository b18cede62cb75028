"""Dagster resources: where the warehouse, the landing zone and the inputs are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from ingestion.config.settings import Settings, duckdb_memory_limit
from orchestration.processes import duckdb_lock_holder, pipeline_lock_path, process_info, run_pipeline_lock

RUN_LOCK_WAIT_SECONDS = 12 * 3600  # a run launched while a command builds waits for it, this long at most


class WarehouseLocked(RuntimeError):
    """Another process holds the warehouse file open; the message names it and says what to do."""


def warehouse_lock_message(path: str, pid: int) -> str:
    """Who holds the warehouse (from DuckDB's error and /proc) and what to do about it."""
    holder = process_info(pid)
    if holder is None:
        return (
            f"the warehouse {path} was locked by pid {pid}, which has exited since: run again. "
            "(DuckDB's lock is released when its holder dies, however it dies.)"
        )
    left_over = " Its parent is gone: it is left over from a run that was killed." if holder.orphaned else ""
    return (
        f"the warehouse {path} is held open by {holder}.{left_over} DuckDB allows one writer: "
        f"if that is a pipeline, dbt or reprocess you started, wait for it to finish; if it is left over, "
        f"stop it with 'kill {pid}'. Then run again. Readers use the published copy, never this file."
    )


def open_warehouse(path: str) -> duckdb.DuckDBPyConnection:
    """A write connection to the warehouse; :class:`WarehouseLocked` if another process holds it."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(path, config={"memory_limit": duckdb_memory_limit()})
    except duckdb.IOException as exc:
        pid = duckdb_lock_holder(str(exc))
        if pid is None:
            raise
        raise WarehouseLocked(warehouse_lock_message(path, pid)) from exc


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse DuckDB file; the pipeline is its single writer.

    A run that uses it holds the warehouse's pipeline lock from its first step to its last (the
    in-process executor sets resources up once per run): a run the daemon launches while
    ``ringledger pipeline`` or ``reprocess`` builds waits for it, and a command started while such
    a run builds is refused with its holder. Under those commands the lock is theirs already.
    """

    path: str

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[WarehouseResource]:
        def waiting(why: str) -> None:
            if context.log is not None:
                context.log.info(f"waiting for the warehouse: {why}")

        with run_pipeline_lock(pipeline_lock_path(Path(self.path)), RUN_LOCK_WAIT_SECONDS, waiting):
            yield self

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = open_warehouse(self.path)
        try:
            yield con
        finally:
            con.close()


class LocationsResource(dg.ConfigurableResource):
    """Input folder (config, PBX files, tariffs), landing zone, published copies and the user's cache."""

    input_dir: str
    landing_dir: str
    published_dir: str
    cache_dir: str = ""  # empty: RINGLEDGER_CACHE or the XDG cache (ingestion.config.settings)

    @property
    def input_path(self) -> Path:
        return Path(self.input_dir)

    @property
    def landing_path(self) -> Path:
        return Path(self.landing_dir)

    @property
    def published_path(self) -> Path:
        return Path(self.published_dir)

    @property
    def cache_path(self) -> Path:
        return Path(self.cache_dir) if self.cache_dir else Settings.from_env().cache_dir
