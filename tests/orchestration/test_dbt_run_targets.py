"""dagster-dbt's per-run target folders: pruned to the newest few, and each run's parse kept for the next."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ingestion.config.settings import DBT_PROJECT_DIR
from orchestration.defs.transform import (
    KEEP_RUN_TARGETS,
    PARTIAL_PARSE_FILE,
    dbt_executable,
    keep_partial_parse,
    prune_run_targets,
)


def test_only_the_newest_run_folders_stay(tmp_path: Path):
    runs = []
    for age in range(KEEP_RUN_TARGETS + 3):
        run = tmp_path / f"ringledger_dbt-{age:07x}-abc"
        (run / "compiled").mkdir(parents=True)
        (run / "manifest.json").write_text("{}")
        os.utime(run, (1_000_000 - age, 1_000_000 - age))  # age 0 is the newest
        runs.append(run)
    (tmp_path / "manifest.json").write_text("{}")  # the project's own artifacts are files: kept

    removed = prune_run_targets(tmp_path)

    assert sorted(removed) == sorted(runs[KEEP_RUN_TARGETS:])
    assert sorted(d for d in tmp_path.iterdir() if d.is_dir()) == sorted(runs[:KEEP_RUN_TARGETS])
    assert (tmp_path / "manifest.json").exists()
    assert prune_run_targets(tmp_path) == []


def _parse(project: Path, target: Path, warehouse: Path) -> str:
    """``dbt parse`` of ``project`` into ``target`` against ``warehouse``; its log."""
    env = {**os.environ, "RINGLEDGER_WAREHOUSE": str(warehouse)}
    folders = ["--project-dir", str(project), "--profiles-dir", str(project)]
    subprocess.run([dbt_executable(), "parse", "--quiet", *folders, "--target-path", str(target),
                    "--log-path", str(target)], env=env, check=True)  # fmt: skip
    return (target / "dbt.log").read_text()


@pytest.mark.slow
def test_a_run_in_another_home_leaves_its_parse_for_the_next_run(tmp_path: Path):
    project = tmp_path / "project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    target = project / "target"
    _parse(project, target, tmp_path / "first-home.duckdb")

    def run_in_second_home(name: str) -> str:
        """As dagster-dbt does: a run folder seeded with the project's saved parse."""
        run = target / name
        run.mkdir()
        shutil.copy(target / PARTIAL_PARSE_FILE, run / PARTIAL_PARSE_FILE)
        log = _parse(project, run, tmp_path / "second-home.duckdb")
        assert keep_partial_parse(run, target)
        return log

    assert "profile has changed" in run_in_second_home("run-1")
    second = run_in_second_home("run-2")
    assert "Unable to do partial parsing" not in second
    assert "Partial parsing enabled, no changes found, skipping parsing" in second
    assert (target / PARTIAL_PARSE_FILE).read_bytes() == (target / "run-2" / PARTIAL_PARSE_FILE).read_bytes()
