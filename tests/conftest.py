"""Shared fixtures: demo companies, and the real pipeline run over them once per test session.

What is built once is built once for the whole session, not once per pytest-xdist worker
(``built_once``): the first worker that needs it builds it, the others wait for it and read it
or copy it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

from ingestion.config.settings import REPO_ROOT, Settings

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = FIXTURES / "samples"
RINGLEDGER = str(Path(sys.executable).parent / "ringledger")

# Small but shaped like the real thing: a fortnight, every site, every outcome.
SMALL_COMPANY = ["--calls", "4000", "--days", "14", "--employees", "60", "--seed", "7"]
# For scenarios about the pipeline's machinery rather than the call model: three days, every source.
TINY_COMPANY = ["--calls", "600", "--days", "3", "--employees", "30", "--seed", "5"]
# The slowest files, slowest first (several real pipeline runs each, or a server): they start
# first, so that ``--dist loadfile`` ends on short files rather than one worker on a long one.
SLOWEST_FIRST = (
    "tests/orchestration/test_pipeline_kill.py",
    "tests/orchestration/test_streamed_to_served.py",
    "tests/dbt_project/test_late_records.py",
    "tests/bench/test_bench_smoke.py",
    "tests/dbt_project/test_incremental_build.py",
    "tests/orchestration/test_isolation.py",
    "tests/ingestion/raw/test_record_identity.py",
    "tests/superset_assets/test_superset_dashboard.py",
    "tests/superset_assets/test_superset_secrets.py",
    "tests/ingestion/raw/test_bad_input.py",
)


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


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]) -> Path:
    """The folder that ``build(folder)`` fills, built once per session for all xdist workers.

    Treat it as read-only: copy it before changing anything in it.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the session's folder, above each worker's own
    folder, done = root / f"built-once-{name}", root / f"built-once-{name}.done"
    with FileLock(root / f"built-once-{name}.lock"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            build(folder)
            done.touch()
    return folder


def generate_company(out: Path, options: list[str]) -> Path:
    """``ringledger demo-data`` into ``out`` with these options."""
    run_ringledger(settings_under(out.parent / "unused", out), "demo-data", "--out", str(out), *options)
    return out


def run_pipeline_in(home: Path, company: Path) -> Settings:
    """A new home in ``home`` with the whole pipeline run once over ``company``; its settings."""
    settings = settings_under(home, company)
    run_ringledger(settings, "pipeline", dagster_home=home / "dagster")
    return settings


def copy_of_home(built: Path, home: Path, company: Path) -> Settings:
    """A copy of the home ``built`` in ``home``, its input ``company``; its settings."""
    shutil.copytree(built, home, dirs_exist_ok=True)
    return settings_under(home, company)


def pytest_configure(config: pytest.Config) -> None:
    """Parse the dbt project once, before any test worker starts: the workers share its manifest.

    And hand pytest-xdist the files in collection order (SLOWEST_FIRST), which by default it
    reorders by number of tests, putting the slow one-test files last.
    """
    if not hasattr(config, "workerinput"):  # the controller (or a run without pytest-xdist)
        from orchestration.defs.transform import dbt_project

        dbt_project()
        if hasattr(config.option, "loadscopereorder"):
            config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """SLOWEST_FIRST's files first, in that order; the rest after them, as collected."""
    rank = {path: i for i, path in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


@pytest.fixture(scope="session")
def demo_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated demo company (config, PBX files, tariffs, truth), small size; read-only."""
    return built_once(tmp_path_factory, "demo-company", lambda out: generate_company(out, SMALL_COMPANY))


def truth_summary(company: Path) -> dict:
    """What the generator says it generated (truth/summary.json)."""
    return json.loads((company / "truth" / "summary.json").read_text())


@pytest.fixture(scope="session")
def demo_truth(demo_company: Path) -> dict:
    return truth_summary(demo_company)


@pytest.fixture(scope="session")
def published_demo(tmp_path_factory: pytest.TempPathFactory, demo_company: Path) -> Settings:
    """The whole pipeline run once over the demo company and published; returns its settings.

    The worker's own copy of the session's one run: its tests may run the pipeline in it again.
    """
    built = built_once(tmp_path_factory, "demo-home", lambda home: run_pipeline_in(home, demo_company))
    return copy_of_home(built, tmp_path_factory.mktemp("ringledger-home"), demo_company)


@pytest.fixture(scope="session")
def tiny_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated tiny demo company (TINY_COMPANY); read-only."""
    return built_once(tmp_path_factory, "tiny-company", lambda out: generate_company(out, TINY_COMPANY))


@pytest.fixture(scope="session")
def tiny_truth(tiny_company: Path) -> dict:
    return truth_summary(tiny_company)


@pytest.fixture(scope="session")
def tiny_clean_run(tmp_path_factory: pytest.TempPathFactory, tiny_company: Path) -> Settings:
    """The whole pipeline run once over the tiny company, never killed; read-only (copy it to change it)."""
    built = built_once(tmp_path_factory, "tiny-home", lambda home: run_pipeline_in(home, tiny_company))
    return settings_under(built, tiny_company)
