"""Publishing: a new read-only version per build, an atomic CURRENT switch, old versions pruned."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from orchestration.serving import fingerprints, rebuild_log
from orchestration.serving.publish import current_publication, current_version, publish, published_version
from tests.publish_support import published_content


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
    # only marts are served, beside the version and the fingerprints of the next publish
    assert tables == {"fct_calls", "_publication", "_publication_tables", "_publication_groups"}
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


# --- publishing only what changed ---------------------------------------------------------------

DAYS, SOURCES = 10, ("pbx_a", "pbx_b", "pbx_c")


def _call_warehouse(path: Path) -> None:
    """Call facts in (source, day) groups (some without a source or day), two dimensions, reports."""
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE SCHEMA intermediate")
    con.execute(
        "CREATE TABLE marts.fct_calls AS SELECT range AS call_id, "
        f"CASE WHEN range % 31 = 0 THEN NULL ELSE {list(SOURCES)}[range % 3 + 1] END AS source_name, "
        f"DATE '2026-01-01' + (range // 3 % {DAYS})::INTEGER AS call_date_local, "
        "(range % 600)::INTEGER AS duration_s, 'note ' || range AS note FROM range(900)"
    )
    con.execute("INSERT INTO marts.fct_calls VALUES (9000, 'pbx_b', NULL, 5, 'no day')")
    con.execute(
        "CREATE TABLE marts.dim_extension AS "
        "SELECT 100 + range AS extension, 'Ext ' || range AS name FROM range(20)"
    )
    con.execute(
        "CREATE TABLE marts.dim_date AS SELECT DATE '2026-01-01' + range::INTEGER AS day FROM range(31)"
    )
    con.execute(
        "CREATE TABLE marts.rpt_calls_daily AS "
        "SELECT source_name, call_date_local, count(*)::INTEGER AS calls "
        "FROM marts.fct_calls GROUP BY ALL"
    )
    con.execute("CREATE TABLE marts.rpt_old AS SELECT 1 AS x")
    con.execute("CREATE TABLE intermediate.int_rebuild_scope AS SELECT 'pbx_a' AS source_name")
    con.close()


def _change_warehouse(path: Path) -> None:
    """Two day groups, one day's rows without a source and the row without a day changed, one group
    gone, one new; a dim row renamed, a column retyped, a table added and one dropped."""
    con = duckdb.connect(str(path))
    con.execute(
        "UPDATE marts.fct_calls SET duration_s = duration_s + 1 WHERE (source_name IS NULL "
        "AND call_date_local = DATE '2026-01-02') OR (source_name, call_date_local) "
        "IN (('pbx_a', DATE '2026-01-03'), ('pbx_b', DATE '2026-01-05'))"
    )
    con.execute(
        "DELETE FROM marts.fct_calls WHERE source_name = 'pbx_c' AND call_date_local = DATE '2026-01-09'"
    )
    con.execute("INSERT INTO marts.fct_calls VALUES (5000, 'pbx_a', DATE '2026-01-20', 60, 'new day')")
    con.execute("UPDATE marts.fct_calls SET note = 'still no day' WHERE call_date_local IS NULL")
    con.execute("UPDATE marts.dim_extension SET name = 'Reception' WHERE extension = 105")
    con.execute("ALTER TABLE marts.rpt_calls_daily ALTER calls TYPE BIGINT")
    con.execute("CREATE TABLE marts.dim_trunk AS SELECT range AS trunk_id FROM range(3)")
    con.execute("DROP TABLE marts.rpt_old")
    con.close()


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_second_publish_rewrites_only_what_changed_and_equals_a_full_one(tmp_path: Path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    _call_warehouse(warehouse)
    first = publish(warehouse, published)
    assert not first.incremental and set(first.created) == set(first.tables) and not first.kept
    assert first.tables["fct_calls"] == 901 and "_publication_tables" not in first.tables
    assert first.summary().startswith("published (full copy): 5 tables (")

    served_before = _file_digest(first.path)
    reader = duckdb.connect(str(first.path), read_only=True)
    old_rows = reader.execute("SELECT count(*), sum(duration_s) FROM fct_calls").fetchone()
    _change_warehouse(warehouse)
    second = publish(warehouse, published)

    assert second.incremental and current_publication(published) == second.path
    # 2 changed groups, one day without a source, the row without a day, a group deleted, one new
    assert second.groups == {"fct_calls": 6}
    assert set(second.replaced) == {"dim_extension", "rpt_calls_daily"}
    assert (
        second.created == ("dim_trunk",) and second.dropped == ("rpt_old",) and second.kept == ("dim_date",)
    )
    assert second.summary().startswith(
        "published: 3 tables replaced, 6 day groups replaced in fct_calls, 1 kept"
    )
    assert published_content(second.path) == published_content(publish(warehouse, tmp_path / "fresh").path)

    assert _file_digest(first.path) == served_before  # the copy never wrote the served file
    assert reader.execute("SELECT count(*), sum(duration_s) FROM fct_calls").fetchone() == old_rows
    assert reader.execute("SELECT count(*) FROM rpt_old").fetchone() == (1,)
    reader.close()


def test_a_publish_with_nothing_changed_keeps_every_table(tmp_path: Path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    _call_warehouse(warehouse)
    first = publish(warehouse, published)
    again = publish(warehouse, published)
    assert again.incremental and set(again.kept) == set(first.tables) and not (again.replaced or again.groups)
    assert again.tables == first.tables and published_content(again.path) == published_content(first.path)


def test_a_table_whose_groups_mostly_changed_is_replaced_whole(tmp_path: Path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    _call_warehouse(warehouse)
    publish(warehouse, published)
    con = duckdb.connect(str(warehouse))
    con.execute("UPDATE marts.fct_calls SET note = upper(note) WHERE call_date_local > DATE '2026-01-02'")
    con.close()
    second = publish(warehouse, published)
    assert "fct_calls" in second.replaced and not second.groups
    assert published_content(second.path) == published_content(publish(warehouse, tmp_path / "fresh").path)


def test_fingerprints_of_another_duckdb_release_mean_a_full_copy(tmp_path: Path, monkeypatch):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    _call_warehouse(warehouse)
    first = publish(warehouse, published)
    monkeypatch.setattr(fingerprints, "FINGERPRINT_KIND", "sum(hash(row)), duckdb 0.0")
    second = publish(warehouse, published)
    assert not second.incremental and set(second.created) == set(first.tables)
    assert published_content(second.path) == published_content(first.path)
    assert not list(published.glob("*.partial"))


def _big_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    for table in ("fct_calls", "fct_call_legs"):
        con.execute(
            f"CREATE TABLE marts.{table} AS SELECT range AS call_id, "
            "['a', 'b'][range % 2 + 1] AS source_name, "
            "DATE '2026-01-01' + (range % 10)::INTEGER AS call_date_local, "
            "md5(range::VARCHAR) AS note FROM range(300000)"
        )
    con.close()


def test_a_table_replaced_whole_reuses_the_blocks_of_its_old_rows(tmp_path: Path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    _big_warehouse(warehouse)
    first = publish(warehouse, published)
    con = duckdb.connect(str(warehouse))
    con.execute("UPDATE marts.fct_calls SET note = upper(note)")  # every group: replaced whole
    con.close()
    second = publish(warehouse, published)
    fresh = publish(warehouse, tmp_path / "fresh")
    assert second.replaced == ("fct_calls",) and second.kept == ("fct_call_legs",) and not second.compacted
    assert second.path.stat().st_size <= 1.1 * fresh.path.stat().st_size  # not first's and fresh's
    assert fresh.path.stat().st_size <= 1.1 * first.path.stat().st_size
    assert published_content(second.path) == published_content(fresh.path)


def test_a_version_left_mostly_free_by_a_dropped_table_is_compacted(tmp_path: Path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    _big_warehouse(warehouse)
    publish(warehouse, published)
    con = duckdb.connect(str(warehouse))
    con.execute("DROP TABLE marts.fct_call_legs")
    con.close()
    second = publish(warehouse, published)
    fresh = publish(warehouse, tmp_path / "fresh")
    assert second.dropped == ("fct_call_legs",) and second.compacted
    assert second.summary().endswith(f"compacted ({second.seconds:.1f} s)")
    assert second.path.stat().st_size <= 1.1 * fresh.path.stat().st_size
    assert published_content(second.path) == published_content(fresh.path)
    assert not list(published.glob("*.partial"))


# --- hashing only the groups dbt's rebuild log lists ----------------------------------------------


def _log_build(path: Path, *groups: tuple[str, str], everything: bool = False) -> None:
    """Log a build in the warehouse's rebuild log as dbt does: its row, then a row per group rebuilt."""
    con = duckdb.connect(str(path))
    con.execute(
        f"CREATE TABLE IF NOT EXISTS intermediate.{rebuild_log.LOG} (build_id BIGINT, invocation_id VARCHAR, "
        "built_at TIMESTAMPTZ, entry VARCHAR, source_name VARCHAR, call_date_local DATE)"
    )
    build = con.execute(
        f"SELECT coalesce(max(build_id), 0) + 1 FROM intermediate.{rebuild_log.LOG}"
    ).fetchone()
    invocation = f"invocation-{build[0]}-{datetime.now(UTC).timestamp()}"
    rows = [(build[0], invocation, "everything" if everything else "build", None, None)]
    rows += [(build[0], invocation, "group", source, day) for source, day in groups]
    con.executemany(f"INSERT INTO intermediate.{rebuild_log.LOG} VALUES (?, ?, now(), ?, ?, ?::DATE)", rows)
    con.close()


def _change_group(path: Path, source: str, day: str, table: str = "fct_calls") -> None:
    con = duckdb.connect(str(path))
    con.execute(
        f"UPDATE marts.{table} SET duration_s = duration_s + 7 WHERE source_name = ? AND call_date_local = ?",
        [source, day],
    )
    con.close()


def _same_as_fresh(publication_path: Path, warehouse: Path, tmp_path: Path) -> bool:
    fresh = publish(warehouse, tmp_path / f"fresh-{datetime.now(UTC).timestamp()}")
    return published_content(publication_path) == published_content(fresh.path)


def test_a_publish_after_logged_builds_rewrites_every_group_they_rebuilt(tmp_path: Path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    _call_warehouse(warehouse)
    _log_build(warehouse, everything=True)
    assert not publish(warehouse, published).incremental
    _change_group(warehouse, "pbx_a", "2026-01-03")
    _log_build(warehouse, ("pbx_a", "2026-01-03"))  # a build whose publish was skipped
    _change_group(warehouse, "pbx_b", "2026-01-05")
    con = duckdb.connect(str(warehouse))
    con.execute("DELETE FROM marts.fct_calls WHERE source_name = 'pbx_c' AND call_date_local = '2026-01-09'")
    con.execute("UPDATE marts.dim_extension SET name = 'Reception' WHERE extension = 105")  # not in any scope
    con.close()
    _log_build(warehouse, ("pbx_b", "2026-01-05"), ("pbx_c", "2026-01-09"), ("pbx_a", "2026-01-04"))
    _log_build(warehouse)  # nothing rebuilt
    second = publish(warehouse, published)
    assert second.groups == {"fct_calls": 3} and second.replaced == ("dim_extension",)
    assert _same_as_fresh(second.path, warehouse, tmp_path)


def test_the_stored_fingerprints_stand_for_the_groups_the_log_does_not_list(tmp_path: Path):
    """What makes a publish cheap: an unlogged change to a scoped table is not looked for, until the log
    says that a build may have rebuilt everything."""
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    _call_warehouse(warehouse)
    _log_build(warehouse, everything=True)
    publish(warehouse, published)
    _change_group(warehouse, "pbx_a", "2026-01-03")  # not as dbt does it: without a log entry
    _log_build(warehouse)
    trusting = publish(warehouse, published)
    assert trusting.unchanged and not _same_as_fresh(trusting.path, warehouse, tmp_path)
    _log_build(warehouse, everything=True)  # a full refresh
    full = publish(warehouse, published)
    assert full.groups == {"fct_calls": 1} and _same_as_fresh(full.path, warehouse, tmp_path)


def test_without_a_log_position_to_trust_every_group_is_compared(tmp_path: Path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    _call_warehouse(warehouse)
    publish(warehouse, published)  # before the warehouse had a log: no position recorded
    _change_group(warehouse, "pbx_a", "2026-01-03")
    _log_build(warehouse)
    first = publish(warehouse, published)
    assert first.groups == {"fct_calls": 1} and _same_as_fresh(first.path, warehouse, tmp_path)

    con = duckdb.connect(str(warehouse))
    con.execute(f"DROP TABLE intermediate.{rebuild_log.LOG}")  # the log built again from nothing
    con.close()
    _change_group(warehouse, "pbx_b", "2026-01-05")
    _log_build(warehouse)
    _log_build(warehouse)
    again = publish(warehouse, published)
    assert again.groups == {"fct_calls": 1} and _same_as_fresh(again.path, warehouse, tmp_path)


def test_a_grouped_table_not_incremental_by_the_scope_is_compared_whole(tmp_path: Path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    _call_warehouse(warehouse)
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE TABLE marts.fct_missed_calls AS SELECT * FROM marts.fct_calls WHERE duration_s < 60")
    con.close()
    _log_build(warehouse, everything=True)
    publish(warehouse, published)
    _change_group(warehouse, "pbx_c", "2026-01-01", table="fct_missed_calls")  # outside the scope, by design
    _log_build(warehouse, ("pbx_a", "2026-01-02"))
    second = publish(warehouse, published)
    assert second.groups == {"fct_missed_calls": 1} and _same_as_fresh(second.path, warehouse, tmp_path)


def test_nothing_changed_since_the_last_publish_writes_no_new_version(tmp_path: Path):
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    _call_warehouse(warehouse)
    _log_build(warehouse, everything=True)
    first = publish(warehouse, published)
    _log_build(warehouse, ("pbx_a", "2026-01-03"))  # rebuilt, the same rows again
    again = publish(warehouse, published)
    assert again.unchanged and again.path == first.path == current_publication(published)
    assert again.version == first.version and again.tables == first.tables
    assert sorted(published.glob("ringledger-*")) == [first.path]
    assert again.summary().startswith(
        f"published: nothing changed, 5 tables kept, version {first.version} still"
    )


def test_the_scoped_tables_are_the_marts_incremental_by_the_rebuild_scope():
    marts = Path(__file__).parents[2] / "dbt_project" / "models" / "marts"
    scoped = {
        sql.stem for sql in marts.rglob("*.sql") if "{{ incremental_by_rebuild_scope() }}" in sql.read_text()
    }
    assert scoped == rebuild_log.SCOPED_TABLES


def test_a_version_is_written_with_the_warehouse_memory_cap(tmp_path: Path, monkeypatch):
    """A full publish at 10 M calls peaked at 5.6 GB with DuckDB's default buffer pool (80 % of RAM)."""
    from orchestration.serving.publish import _connect

    monkeypatch.setenv("RINGLEDGER_DBT_MEMORY_LIMIT", "300MB")
    con = _connect(tmp_path / "version.duckdb")
    try:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone() == ("286.1 MiB",)
    finally:
        con.close()
