"""Dagster resources: where the warehouse, the landing zone and the inputs are."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb


def memory_limit() -> str:
    """DuckDB's memory cap for the pipeline's own connections, the one dbt's profile uses too.

    Without it DuckDB keeps up to 80 % of RAM as buffer pool: the 10 M-call raw load peaked at 6.4 GB.
    """
    return os.environ.get("RINGLEDGER_DBT_MEMORY_LIMIT", "4GB")


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse DuckDB file; the pipeline is its single writer."""

    path: str

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.path, config={"memory_limit": memory_limit()})
        try:
            yield con
        finally:
            con.close()


class LocationsResource(dg.ConfigurableResource):
    """Input folder (config, PBX files, tariffs), landing zone and published copies."""

    input_dir: str
    landing_dir: str
    published_dir: str

    @property
    def input_path(self) -> Path:
        return Path(self.input_dir)

    @property
    def landing_path(self) -> Path:
        return Path(self.landing_dir)

    @property
    def published_path(self) -> Path:
        return Path(self.published_dir)
