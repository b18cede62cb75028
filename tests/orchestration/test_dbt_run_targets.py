"""The dbt target: per-run folders pruned to the newest few; each home's last parse kept for its next run."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ingestion.config.settings import DBT_PROJECT_DIR
from orchestration.defs.transform import (
    KEEP_RUN_TARGETS,
    KEEP_SAVED_PARSES,
    PARTIAL_PARSE_FILE,
    dbt_executable,
    keep_partial_parse,
    prune_run_targets,
    saved_parse,
    seed_partial_parse,
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
def test_each_home_starts_from_its_own_last_parse(tmp_path: Path):
    project = tmp_path / "project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    target, home = project / "target", tmp_path / "second-home.duckdb"
    _parse(project, target, tmp_path / "first-home.duckdb")  # as `dbt parse` leaves the project

    def run_in_second_home(name: str) -> str:
        """As the dbt asset does: seeded by the home's own parse, else (dagster-dbt) the project's."""
        run = target / name
        if not seed_partial_parse(run, home, target):
            run.mkdir()
            shutil.copy(target / PARTIAL_PARSE_FILE, run / PARTIAL_PARSE_FILE)
        log = _parse(project, run, home)
        assert keep_partial_parse(run, home, target)
        return log

    assert "profile has changed" in run_in_second_home("run-1")
    second = run_in_second_home("run-2")
    assert "Unable to do partial parsing" not in second
    assert "Partial parsing enabled, no changes found, skipping parsing" in second
    assert saved_parse(home, target).read_bytes() == (target / "run-2" / PARTIAL_PARSE_FILE).read_bytes()
    assert not seed_partial_parse(target / "run-3", tmp_path / "third-home.duckdb", target)


def test_only_the_newest_saved_parses_stay(tmp_path: Path):
    run = tmp_path / "run"
    run.mkdir()
    (run / PARTIAL_PARSE_FILE).write_bytes(b"parsed")
    homes = [tmp_path / f"home-{i}.duckdb" for i in range(KEEP_SAVED_PARSES + 2)]
    for age, home in enumerate(homes):
        assert keep_partial_parse(run, home, tmp_path)
        os.utime(saved_parse(home, tmp_path), (1_000_000 + age, 1_000_000 + age))
    kept = [saved_parse(home, tmp_path).exists() for home in homes]
    assert kept == [False] * 2 + [True] * KEEP_SAVED_PARSES
