"""Isolation: bad input from one source cannot stop the build; a blocking failure keeps the served copy.

One home over the tiny demo company, three real pipeline runs:
1. raw rows that load validation never saw are put straight into one source's raw table
   (no call key, an impossible start time, a source sources.yml does not know): the run
   succeeds and publishes, the facts equal a clean build's, the bad rows are rejected legs
   and data-quality findings of their source;
2. the rows of one landed file are written to raw a second time (a raw-load fault that no
   record-level validation can see: every record is valid), so its legs are counted twice:
   the blocking unique test fails, publishing is skipped, CURRENT and what readers get stay
   as they were, the command says so and exits non-zero;
3. once the duplicates are removed, the next run publishes again, with the same facts.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingestion.config.settings import Settings
from ingestion.raw.load import ensure_raw_schema
from orchestration.defs.transform import dbt_project
from orchestration.run_outcome import PUBLISHED
from orchestration.serving.publish import current_publication, published_version
from tests.conftest import run_ringledger, settings_under

BAD_SOURCE, BAD_SITE = "berlin-asterisk", "berlin"
GHOST_SOURCE = "ghost-pbx"
DOUBLED_SOURCE = "chicago-cucm"  # Cisco UCM CDR: its legs in raw.cisco_cucm_cdr
BAD_FILE = hashlib.sha256(b"isolation: rows that bypassed validation").hexdigest()
GHOST_FILE = hashlib.sha256(b"isolation: a source nobody configured").hexdigest()
BAD_PATH = f"{BAD_SOURCE}/{BAD_FILE[:2]}/{BAD_FILE}--Master.csv-isolation"
GHOST_PATH = f"{GHOST_SOURCE}/{GHOST_FILE[:2]}/{GHOST_FILE}--Master.csv-ghost"
FACTS_WITH_LOAD_TIMES = "COLUMNS(lambda c: c <> 'loaded_at')"


def _asterisk_row(source: str, sha: str, path: str, line: int, call_key: str, start: str) -> dict:
    """An Asterisk cdr_csv record as the raw table holds it (text), with its lineage."""
    return {
        "src": "2101",
        "dst": "004930555000",
        "dcontext": "from-internal",
        "channel": "PJSIP/2101-0000aaaa",
        "dstchannel": "PJSIP/telekom-0000bbbb",
        "lastapp": "Dial",
        "start": start,
        "answer": start,
        "end": start,
        "duration": "60",
        "billsec": "55",
        "disposition": "ANSWERED",
        "amaflags": "DOCUMENTATION",
        "uniqueid": call_key,
        "linkedid": call_key,
        "_source": source,
        "_file_sha256": sha,
        "_landed_path": path,
        "_record_no": line,
    }


BAD_ROWS = [
    _asterisk_row(BAD_SOURCE, BAD_FILE, BAD_PATH, 1, "", "2026-08-05 10:00:00"),  # no call key
    _asterisk_row(BAD_SOURCE, BAD_FILE, BAD_PATH, 2, "isolation.2", "2026-02-30 25:61:00"),  # no such time
    _asterisk_row(GHOST_SOURCE, GHOST_FILE, GHOST_PATH, 1, "isolation.3", "2026-08-05 11:00:00"),
]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    for row in rows:
        columns = ", ".join(f'"{c}"' for c in row)
        con.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values())
        )


def _inject_bad_rows(warehouse: Path) -> None:
    """Raw rows (and their files' load records) as a loader without validation would have written them."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse))
    try:
        ensure_raw_schema(con)
        _insert(con, "raw.asterisk_cdr_csv", BAD_ROWS)
        files = [(BAD_SOURCE, BAD_FILE, BAD_PATH, 2), (GHOST_SOURCE, GHOST_FILE, GHOST_PATH, 1)]
        _insert(
            con,
            "raw.loaded_files",
            [
                {"source": s, "format": "asterisk_cdr_csv", "sha256": sha, "landed_path": p, "records": n}
                for s, sha, p, n in files
            ],
        )
    finally:
        con.close()


@pytest.fixture(scope="module")
def bad_rows_run(tmp_path_factory: pytest.TempPathFactory, tiny_company: Path) -> tuple[Settings, str]:
    """The first run of a home whose raw tables held the bad rows before anything loaded."""
    settings = settings_under(tmp_path_factory.mktemp("isolation"), tiny_company)
    _inject_bad_rows(settings.warehouse_path)
    output = run_ringledger(settings, "pipeline", dagster_home=settings.home / "dagster")
    return settings, output


def _published(settings: Settings) -> Path:
    path = current_publication(settings.published_dir)
    assert path is not None and path.exists()
    return path


def _query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _facts_hashes(published: Path, where_source: str = "true", where_site: str = "true") -> dict[str, tuple]:
    """Rows and an order-independent hash of every fact and report table, load times left out."""
    tables = _query(
        published,
        "SELECT table_name, bool_or(column_name = 'source_name') FROM duckdb_columns() "
        "WHERE (table_name LIKE 'fct_%' OR table_name LIKE 'rpt_%') "
        "AND table_name <> 'rpt_data_quality_findings' GROUP BY 1 ORDER BY 1",
    )
    return {
        table: _query(
            published,
            "SELECT count(*), md5(string_agg(CAST(t AS VARCHAR), '|' ORDER BY CAST(t AS VARCHAR))) "
            f"FROM (SELECT {FACTS_WITH_LOAD_TIMES} FROM {table} "
            f"WHERE {where_source if by_source else where_site}) AS t",
        )[0]
        for table, by_source in tables
    }


@pytest.mark.slow
@pytest.mark.reliability
def test_bad_rows_of_one_source_neither_stop_the_build_nor_change_a_fact(
    bad_rows_run: tuple[Settings, str], tiny_clean_run: Settings, tiny_truth: dict
):
    settings, output = bad_rows_run
    assert "data-quality findings" in output and "published version" in output
    clean, isolated = _published(tiny_clean_run), _published(settings)
    others = f"source_name <> '{BAD_SOURCE}'", f"site_id <> '{BAD_SITE}'"
    assert _facts_hashes(isolated, *others) == _facts_hashes(clean, *others)
    # The bad source's good legs all went on: its facts are the clean build's too.
    bad = f"source_name = '{BAD_SOURCE}'", f"site_id = '{BAD_SITE}'"
    assert _facts_hashes(isolated, *bad) == _facts_hashes(clean, *bad)
    legs = _query(isolated, "SELECT count(*) FROM fct_call_legs WHERE source_name = ?", [BAD_SOURCE])[0][0]
    assert legs == tiny_truth["sites"][BAD_SITE]["records"]


@pytest.mark.slow
@pytest.mark.reliability
def test_the_bad_rows_are_rejected_legs_and_findings_of_their_source(bad_rows_run: tuple[Settings, str]):
    settings, output = bad_rows_run
    rejected = _query(
        settings.warehouse_path,
        "SELECT source_name, landed_path, record_no, reason_code FROM intermediate.int_call_legs_rejected "
        "ORDER BY source_name, record_no",
    )
    assert rejected == [
        (BAD_SOURCE, BAD_PATH, 1, "no_call_key"),
        (BAD_SOURCE, BAD_PATH, 2, "no_start_time"),
        (GHOST_SOURCE, GHOST_PATH, 1, "unknown_source"),
    ]
    findings = _query(
        _published(settings),
        "SELECT source_name, check_name, failing_rows, first_examples FROM rpt_data_quality_findings "
        "ORDER BY source_name, check_name",
    )
    assert findings == [
        (BAD_SOURCE, "no_call_key", 1, f"{BAD_PATH} line 1"),
        (BAD_SOURCE, "no_start_time", 1, f"{BAD_PATH} line 2"),
        (BAD_SOURCE, "not_null_stg_asterisk_cdr_csv__legs_linked_id", 1, f"{BAD_PATH} line 1"),
        (BAD_SOURCE, "not_null_stg_asterisk_cdr_csv__legs_started_at_local", 1, f"{BAD_PATH} line 2"),
        (GHOST_SOURCE, "unknown_source", 1, f"{GHOST_PATH} line 1"),
    ]
    # The command said so, per source, and where the rest is.
    assert f"  {BAD_SOURCE}: 4 rows" in output and f"  {GHOST_SOURCE}: 1 row" in output
    assert "intermediate.int_call_legs_rejected" in output
    # Dagster shows the data-quality test as a failed check of severity WARN, and the publish's findings.
    instance = dg.DagsterInstance.from_config(str(settings.home / "dagster"))
    check = dg.AssetCheckKey(
        dg.AssetKey(["staging", "stg_asterisk_cdr_csv__legs"]),
        "record_checks_stg_asterisk_cdr_csv__legs",
    )
    evaluation = instance.get_latest_asset_check_evaluation_record(
        check
    ).event.dagster_event.event_specific_data
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    published = instance.get_latest_materialization_event(PUBLISHED).asset_materialization.metadata
    assert published["findings_by_source"].value == {BAD_SOURCE: 4, GHOST_SOURCE: 1}


def _read_as_superset_does(published_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory connection that attaches CURRENT read-only (superset_assets/superset_config.py)."""
    reader = duckdb.connect()
    current = current_publication(published_dir)
    reader.execute(f"ATTACH '{current}' AS published (READ_ONLY)")
    reader.execute("USE published")
    return reader


def _served(reader: duckdb.DuckDBPyConnection) -> tuple:
    facts = reader.execute(
        f"SELECT count(*), md5(string_agg(CAST(f AS VARCHAR), '|' ORDER BY call_id)) "
        f"FROM (SELECT {FACTS_WITH_LOAD_TIMES} FROM fct_calls) AS f"
    ).fetchone()
    return (reader.execute("SELECT version FROM _publication").fetchone()[0], *facts)


def _write_a_file_twice(warehouse: Path) -> int:
    """Raw rows of DOUBLED_SOURCE's largest file a second time, as a retried raw load would; its legs."""
    con = duckdb.connect(str(warehouse))
    try:
        ((sha, legs),) = con.execute(
            "SELECT landed_file_sha256, count(*) FROM intermediate.int_call_legs_unioned "
            "WHERE source_name = ? GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
            [DOUBLED_SOURCE],
        ).fetchall()
        con.execute(
            "INSERT INTO raw.cisco_cucm_cdr SELECT * FROM raw.cisco_cucm_cdr WHERE _file_sha256 = ?", [sha]
        )
        con.execute("UPDATE raw.loaded_files SET loaded_at = now() WHERE sha256 = ?", [sha])
    finally:
        con.close()
    return legs


def _remove_the_second_copy(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(
            "DELETE FROM raw.cisco_cucm_cdr WHERE rowid IN (SELECT rowid FROM (SELECT rowid, row_number() "
            "OVER (PARTITION BY _file_sha256, _record_no ORDER BY rowid) AS copy FROM raw.cisco_cucm_cdr) "
            "WHERE copy > 1)"
        )
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.reliability
def test_a_blocking_failure_keeps_the_served_copy_until_a_good_run(bad_rows_run: tuple[Settings, str]):
    settings, _ = bad_rows_run
    dagster_home = settings.home / "dagster"
    before = published_version(_published(settings))
    attached_before = _read_as_superset_does(settings.published_dir)
    served_before = _served(attached_before)
    doubled = _write_a_file_twice(settings.warehouse_path)

    with pytest.raises(AssertionError, match=r"ringledger pipeline failed \(1\)") as failed:
        run_ringledger(settings, "pipeline", dagster_home=dagster_home)
    output = str(failed.value)
    assert (
        f"blocking check failed: intermediate/int_call_legs_unioned unique_int_call_legs_unioned_leg_id: "
        f"{doubled} failing rows" in output
    )
    assert "publishing skipped: the published copy was not replaced" in output
    when = before.published_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    assert f"still served: version {before.version}, published {when}" in output
    assert current_publication(settings.published_dir) == before.path
    assert _served(attached_before) == served_before  # a reader attached throughout
    assert _served(_read_as_superset_does(settings.published_dir)) == served_before  # and a new one
    instance = dg.DagsterInstance.from_config(str(dagster_home))
    (skipped,) = instance.fetch_observations(PUBLISHED, limit=1).records
    metadata = skipped.asset_observation.metadata
    assert metadata["outcome"].value == "publishing skipped"
    assert metadata["served_version"].value == before.version
    assert "unique_int_call_legs_unioned_leg_id" in metadata["blocking_failures"].value

    _remove_the_second_copy(settings.warehouse_path)
    output = run_ringledger(settings, "pipeline", dagster_home=dagster_home)
    after = published_version(_published(settings))
    assert after.version != before.version and f"published version {after.version}" in output
    assert _served(_read_as_superset_does(settings.published_dir))[1:] == served_before[1:]


def _ancestors(manifest: dict, node: str) -> set[str]:
    found, todo = set(), [node]
    while todo:
        for parent in manifest["parent_map"][todo.pop()]:
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


PER_RECORD_KINDS = ("record_checks", "not_null", "accepted_values")  # macros/record_tests.sql


def test_every_data_quality_test_runs_before_the_findings_are_summarised():
    """rpt_data_quality_findings, and int_staging_test_failures which keeps the per-record staging
    tests' failures, read the stored failures of the tests of their ancestors only."""
    manifest = json.loads(dbt_project().manifest_path.read_text())
    data_quality = {
        test["name"]: (test["attached_node"], (test.get("test_metadata") or {}).get("name"))
        for test in manifest["nodes"].values()
        if test["resource_type"] == "test" and test["config"]["severity"].lower() == "warn"
    }
    assert data_quality["record_checks_stg_asterisk_cdr_csv__legs"][1] == "record_checks"
    findings = _ancestors(manifest, "model.ringledger.rpt_data_quality_findings")
    assert {name: model for name, (model, _) in data_quality.items() if model not in findings} == {}
    per_record = {
        name: model
        for name, (model, kind) in data_quality.items()
        if model.startswith("model.ringledger.stg_") and kind in PER_RECORD_KINDS
    }
    leg_models = {uid for uid in manifest["nodes"] if re.fullmatch(r"model\.ringledger\.stg_\w+__legs", uid)}
    assert leg_models and leg_models <= set(per_record.values()), "every PBX format's legs have record checks"
    kept = _ancestors(manifest, "model.ringledger.int_staging_test_failures")
    assert {name: model for name, model in per_record.items() if model not in kept} == {}
