"""Shared fixtures: a small demo company, and the real pipeline run over it once per session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingestion.config.settings import REPO_ROOT, Settings

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = FIXTURES / "samples"
RINGLEDGER = str(Path(sys.executable).parent / "ringledger")

# Small but shaped like the real thing: a fortnight, every site, every outcome.
SMALL_COMPANY = ["--calls", "4000", "--days", "14", "--employees", "60", "--seed", "7"]


def settings_under(home: Path, input_dir: Path | None = None) -> Settings:
    """Settings whose every location is inside ``home``."""
    env = {"RINGLEDGER_HOME": str(home)}
    if input_dir is not None:
        env["RINGLEDGER_INPUT"] = str(input_dir)
    return Settings.from_env(env)


def run_ringledger(
    settings: Settings, *args: str, dagster_home: Path | None = None, with_stderr: bool = False
) -> str:
    """Run the real command line in a child process with these settings; return its output.

    Its standard output, or with ``with_stderr`` both streams, standard error last.
    """
    env = {**os.environ, **settings.as_env()}
    env.pop("DAGSTER_HOME", None)
    if dagster_home is not None:
        env["DAGSTER_HOME"] = str(dagster_home)
    completed = subprocess.run(
        [RINGLEDGER, *args], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900
    )
    if completed.returncode != 0:
        raise AssertionError(
            f"ringledger {' '.join(args)} failed ({completed.returncode}):\n"
            f"{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}"
        )
    return completed.stdout + completed.stderr if with_stderr else completed.stdout


def pytest_configure(config: pytest.Config) -> None:
    """Parse the dbt project once, before any test worker starts: the workers share its manifest."""
    if not hasattr(config, "workerinput"):  # the controller (or a run without pytest-xdist)
        from orchestration.defs.transform import dbt_project

        dbt_project()


@pytest.fixture(scope="session")
def demo_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated demo company (config, PBX files, tariffs, truth), small size."""
    out = tmp_path_factory.mktemp("demo-company")
    run_ringledger(settings_under(out.parent / "unused", out), "demo-data", "--out", str(out), *SMALL_COMPANY)
    return out


@pytest.fixture(scope="session")
def demo_truth(demo_company: Path) -> dict:
    return json.loads((demo_company / "truth" / "summary.json").read_text())


@pytest.fixture(scope="session")
def published_demo(tmp_path_factory: pytest.TempPathFactory, demo_company: Path) -> Settings:
    """The whole pipeline run once over the demo company and published; returns its settings."""
    home = tmp_path_factory.mktemp("ringledger-home")
    settings = settings_under(home, demo_company)
    run_ringledger(settings, "pipeline", dagster_home=home / "dagster")
    return settings
