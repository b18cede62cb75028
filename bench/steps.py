"""Measured steps: each runs as a child process and becomes one row of the benchmark."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.process_tree import Measured, run_measured
from ingestion.config.settings import REPO_ROOT, Settings

PYTHON = sys.executable
RINGLEDGER = str(Path(sys.executable).parent / "ringledger")
STEP_TIMEOUT = 3 * 3600


@dataclass
class StepResult:
    """One row: ``work_seconds`` is the tool's own figure (Dagster step, dbt run), ``wall_seconds``
    the whole child process including interpreter start and definitions load."""

    name: str
    group: str
    ok: bool
    work_seconds: float
    wall_seconds: float
    peak_rss_mib: float
    detail: dict = field(default_factory=dict)
    error: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def child_env(settings: Settings | None, dagster_home: Path | None = None) -> dict[str, str]:
    """This environment with the run's locations and its own Dagster instance (ephemeral by default)."""
    env = {**os.environ, **(settings.as_env() if settings else {})}
    env.pop("DAGSTER_HOME", None)
    if dagster_home is not None:
        env["DAGSTER_HOME"] = str(dagster_home)
    env["PYTHONWARNINGS"] = "ignore"
    return env


def last_json(stdout: str) -> object:
    """The last line of a child's output that is JSON (children print their figures last)."""
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith(("{", "[")):
            return json.loads(line)
    raise ValueError("no JSON line in the step's output")


def run_step(
    name: str, group: str, command: list[str], settings: Settings | None, dagster_home: Path | None = None
) -> tuple[StepResult, Measured]:
    """Run a command as a measured step; work time defaults to wall time."""
    measured = run_measured(command, child_env(settings, dagster_home), REPO_ROOT, STEP_TIMEOUT)
    ok = measured.returncode == 0
    error = "" if ok else (measured.stdout[-2000:] + "\n" + measured.stderr[-3000:]).strip()
    result = StepResult(name, group, ok, measured.wall_seconds, measured.wall_seconds, measured.peak_rss_mib,
                        error=error)  # fmt: skip
    status = "ok" if ok else f"FAILED ({measured.returncode})"
    print(f"  {name}: {measured.wall_seconds:.1f} s, {measured.peak_rss_mib:.0f} MiB, {status}", flush=True)
    return result, measured


def run_python_step(
    name: str, group: str, module: str, args: list[str], settings: Settings | None
) -> StepResult:
    """Run ``python -m module args``; its last JSON line is the detail, its ``seconds`` the work time."""
    result, measured = run_step(name, group, [PYTHON, "-m", module, *args], settings)
    try:
        output = last_json(measured.stdout)
    except ValueError:
        return result
    result.detail = output if isinstance(output, dict) else {"rows": output}
    if isinstance(output, dict) and "seconds" in output:
        result.work_seconds = output["seconds"]
    return result
