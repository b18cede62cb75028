"""Dagster's SQLite event log with its database connections kept open between writes.

Dagster's own ``SqliteEventLogStorage`` creates a new SQLAlchemy engine, connection and transaction
for every write, and SQLite syncs every commit to disk. A pipeline run writes over a thousand events
(each dbt model's and check's planned event, its materialization or evaluation, copied into the
index database). At 1 M calls with nothing new to build, that took 27 s of a 63 s run
(docs/benchmarks.md). This storage is the same, except for two things. It keeps one open
connection for each database file it writes (a run's own and the index). SQLite runs in WAL mode
with ``synchronous=NORMAL``: a crashed process loses no event, and a power cut can lose the last
ones but does not corrupt the file (sqlite.org/wal.html).

``orchestration.instance`` names it in the ``dagster.yaml`` it writes for a new home.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

KEEP_OPEN = 4  # database files with an open connection: the run's, the index, and a few a UI reads


def default_base_dir() -> str:
    """Where Dagster keeps event logs by default: ``$DAGSTER_HOME/history/runs``."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise dg.DagsterInvariantViolationError(
            "KeptOpenSqliteEventLogStorage needs base_dir in its config, or DAGSTER_HOME set"
        )
    return os.path.join(home, "history", "runs")


def _normal_sync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class KeptOpenSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` with one open connection per database file (the newest few)."""

    def __init__(self, base_dir: str | None = None, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()  # before super(): it may connect
        super().__init__(base_dir or default_base_dir(), inst_data)

    @classmethod
    def config_type(cls) -> dict[str, dg.Field]:
        return {"base_dir": dg.Field(dg.StringSource, is_required=False)}

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: dict[str, Any]
    ) -> KeptOpenSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, created at first use; the least recently used beyond KEEP_OPEN closed."""
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=StaticPool,  # one connection, used under self._db_lock only
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            event.listen(engine, "connect", _normal_sync)
        self._engines[shard] = engine
        while len(self._engines) > KEEP_OPEN:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
