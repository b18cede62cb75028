"""Dagster resources: where the warehouse, the landing zone and the inputs are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse DuckDB file; the pipeline is its single writer."""

    path: str

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.path)
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
