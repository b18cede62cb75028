"""The Dagster home the command line prepares: its dagster.yaml is written once and then left alone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import dagster as dg
import pytest

from orchestration.event_log import KEEP_OPEN, KeptOpenSqliteEventLogStorage
from orchestration.instance import command_line_instance, prepare_home


def test_a_new_home_gets_settings_dagster_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "dagster"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = command_line_instance()
    assert (home / "dagster.yaml").exists()
    assert instance.telemetry_enabled is False
    assert instance.root_directory == str(home)
    # one run at a time: the warehouse takes one writer, so a launched run waits in the queue
    assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1


def test_an_operators_settings_are_never_rewritten(tmp_path: Path):
    own = "telemetry:\n  enabled: true\n"
    (tmp_path / "dagster.yaml").write_text(own)
    prepare_home(tmp_path)
    assert (tmp_path / "dagster.yaml").read_text() == own


def test_without_a_home_runs_are_not_recorded(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert command_line_instance().is_ephemeral


def _recorded_job() -> dg.JobDefinition:
    @dg.asset
    def answered_calls() -> int:
        return 3

    @dg.asset_check(asset=answered_calls)
    def some_answered() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True)

    definitions = dg.Definitions(assets=[answered_calls], asset_checks=[some_answered])
    return definitions.resolve_implicit_global_asset_job_def()


def test_a_new_homes_event_log_keeps_runs_that_another_process_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    home = tmp_path / "dagster"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = command_line_instance()
    assert isinstance(instance.event_log_storage, KeptOpenSqliteEventLogStorage)
    result = _recorded_job().execute_in_process(instance=instance)
    assert result.success
    instance.dispose()

    monkeypatch.delenv("DAGSTER_HOME")
    reader = dg.DagsterInstance.from_config(str(home))  # as a test or a script opens it
    key = dg.AssetKey("answered_calls")
    assert reader.get_latest_materialization_event(key).run_id == result.run_id
    checks = reader.event_log_storage.get_asset_check_execution_history(
        dg.AssetCheckKey(key, "some_answered"), limit=5
    )
    assert [c.run_id for c in checks] == [result.run_id]
    assert (home / "history" / "runs" / f"{result.run_id}.db").is_file()  # where Dagster keeps them
    run_log = sqlite3.connect(home / "history" / "runs" / "index.db")
    assert run_log.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    run_log.close()


def test_the_event_log_closes_the_least_recently_used_files(tmp_path: Path):
    storage = KeptOpenSqliteEventLogStorage(str(tmp_path))
    for run in range(KEEP_OPEN + 3):
        with storage.run_connection(f"run-{run}") as conn:
            conn.exec_driver_sql("SELECT 1")
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    assert len(storage._engines) == KEEP_OPEN
    assert f"run-{KEEP_OPEN + 2}" in storage._engines and "run-0" not in storage._engines
    storage.dispose()
    assert not storage._engines
