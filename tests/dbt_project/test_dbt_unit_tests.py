"""Every dbt unit test of the project, once, on a copy of a built warehouse.

The pipeline builds without them (``orchestration.defs.transform.build_arguments``): they test
the models' logic on hand-made rows (clock changes, booking, destination class, segment times,
each format's staging), not the data. Here they all run, and every one declared in the models'
``*unit_tests.yml`` must pass: none skipped, none missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ingestion.config.settings import DBT_PROJECT_DIR, Settings
from orchestration.defs.transform import build_arguments, dbt_executable

pytestmark = pytest.mark.slow


def _declared_unit_tests() -> list[str]:
    files = (DBT_PROJECT_DIR / "models").rglob("*unit_tests.yml")
    return sorted(test["name"] for f in files for test in yaml.safe_load(f.read_text()).get("unit_tests", []))


def test_the_pipeline_builds_without_unit_tests_unless_asked(monkeypatch):
    monkeypatch.delenv("RINGLEDGER_DBT_UNIT_TESTS", raising=False)
    assert build_arguments() == ["build", "--exclude-resource-type", "unit_test"]
    monkeypatch.setenv("RINGLEDGER_DBT_UNIT_TESTS", "1")
    assert build_arguments() == ["build"]


def test_every_dbt_unit_test_passes(published_demo: Settings, tmp_path: Path):
    declared = _declared_unit_tests()
    assert len(declared) >= 30
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(published_demo.warehouse_path, warehouse)
    command = [dbt_executable(), "test", "--select", "test_type:unit"]
    command += ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    command += ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "target")]
    env = {**os.environ, "RINGLEDGER_WAREHOUSE": str(warehouse)}
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-6000:]
    totals = re.search(r"PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)", output)
    assert totals, output[-3000:]
    assert [int(n) for n in totals.groups()[1:]] == [0, 0, 0], output[-3000:]
    # PASS counts the project's run hooks too: count the unit tests' own lines
    passed = re.findall(r"\d+ of \d+ PASS \S+::(\S+)", output)
    assert sorted(passed) == declared, output[-3000:]
