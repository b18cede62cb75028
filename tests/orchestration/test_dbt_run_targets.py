"""dagster-dbt's per-run target folders are pruned to the newest few before each dbt invocation."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.defs.transform import KEEP_RUN_TARGETS, prune_run_targets


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
