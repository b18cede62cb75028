"""Publishing: a new read-only version per build, an atomic CURRENT switch, old versions pruned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from orchestration.serving.publish import current_publication, current_version, publish, published_version


def _warehouse(path: Path, calls: int) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    con.execute(f"CREATE OR REPLACE TABLE marts.fct_calls AS SELECT range AS call_id FROM range({calls})")
    con.execute("CREATE OR REPLACE TABLE staging.secret AS SELECT 1 AS x")
    con.close()


def test_publish_switches_current_and_a_reader_keeps_its_version(tmp_path: Path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    _warehouse(warehouse, 10)
    first = publish(warehouse, published)
    assert current_publication(published) == first.path and first.tables == {"fct_calls": 10}

    reader = duckdb.connect(str(first.path), read_only=True)
    _warehouse(warehouse, 25)
    second = publish(warehouse, published)
    assert current_publication(published) == second.path != first.path
    assert reader.execute("SELECT count(*) FROM fct_calls").fetchone()[0] == 10
    reader.close()

    con = duckdb.connect(str(second.path), read_only=True)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == {"fct_calls", "_publication"}  # only marts are served
    assert con.execute("SELECT count(*) FROM fct_calls").fetchone()[0] == 25


def test_publish_keeps_only_the_newest_versions(tmp_path: Path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    _warehouse(warehouse, 1)
    for _ in range(5):
        last = publish(warehouse, published, keep=2)
    versions = sorted(published.glob("ringledger-*.duckdb"))
    assert len(versions) == 2 and versions[-1] == last.path == current_publication(published)
    assert not list(published.glob("*.partial"))


def test_a_published_copy_says_which_version_it_is_and_when_it_was_published(tmp_path: Path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    assert current_version(published) is None  # nothing served before the first publish
    _warehouse(warehouse, 3)
    started = datetime.now(UTC)
    first = publish(warehouse, published)
    second = publish(warehouse, published)
    assert published_version(first.path).version == first.version != second.version
    served = current_version(published)
    assert served is not None and (served.path, served.version) == (second.path, second.version)
    assert started - timedelta(seconds=1) <= served.published_at <= datetime.now(UTC)
