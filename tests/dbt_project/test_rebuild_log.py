"""The rebuild log keeps the newest builds only, and a publish after pruning still serves the marts."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.config.settings import Settings
from orchestration.serving.publish import current_publication
from tests.conftest import run_ringledger, settings_under

LOG = "intermediate.int_rebuild_scope_log"


def _builds(warehouse: Path) -> list[int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [row[0] for row in con.execute(f"SELECT DISTINCT build_id FROM {LOG} ORDER BY 1").fetchall()]


def _calls(database: Path, table: str) -> int:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def test_the_log_is_pruned_to_the_newest_builds(
    tmp_path: Path, tiny_company: Path, tiny_clean_run: Settings, monkeypatch: pytest.MonkeyPatch
):
    home = tmp_path / "home"
    shutil.copytree(tiny_clean_run.home, home, ignore=shutil.ignore_patterns("dagster"))
    settings = settings_under(home, tiny_company)
    before = _builds(settings.warehouse_path)
    assert before  # the first build logged itself

    monkeypatch.setenv("RINGLEDGER_REBUILD_LOG_BUILDS", "1")
    run_ringledger(settings, "pipeline")
    assert _builds(settings.warehouse_path) == [before[-1] + 1]  # this build's rows, no older one

    published = current_publication(settings.published_dir)
    assert published is not None
    assert _calls(published, "main.fct_calls") == _calls(settings.warehouse_path, "marts.fct_calls") > 0
