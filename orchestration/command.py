"""``ringledger pipeline``: run the whole Dagster job once, in this process.

With ``DAGSTER_HOME`` set the run is recorded there and shows in the Dagster UI.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import dagster as dg


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Locations follow RINGLEDGER_* variables (see 'ringledger paths'); runs are kept under DAGSTER_HOME."
    )


def run(args: argparse.Namespace) -> int:
    from orchestration.definitions import defs

    job = defs.resolve_job_def("full_pipeline")
    dagster_home = os.environ.get("DAGSTER_HOME")
    if dagster_home:
        Path(dagster_home).mkdir(parents=True, exist_ok=True)
    instance = dg.DagsterInstance.get() if dagster_home else dg.DagsterInstance.ephemeral()
    result = job.execute_in_process(instance=instance, raise_on_error=False)
    failed_checks = [
        evaluation.asset_check_key.to_user_string()
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed
    ]
    for name in failed_checks:
        print(f"check failed: {name}")
    print(f"pipeline run {result.run_id}: {'succeeded' if result.success else 'FAILED'}")
    return 0 if result.success and not failed_checks else 1
