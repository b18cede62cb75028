"""``ringledger pipeline``: run the whole Dagster job once, in this process.

With ``DAGSTER_HOME`` set the run is recorded there and shows in the Dagster UI.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import dagster as dg

from orchestration.processes import PipelineBusy, abandoned_lock_message, pipeline_lock, pipeline_lock_path
from orchestration.resources import WarehouseLocked, open_warehouse
from ringledger.settings import Settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Locations follow RINGLEDGER_* variables (see 'ringledger paths'); runs are kept under DAGSTER_HOME."
    )


def run(args: argparse.Namespace) -> int:
    """One pipeline at a time per warehouse: refuse (exit 3) if another runs, take over a dead one's lock."""
    warehouse = Settings.from_env().warehouse_path
    lock_path = pipeline_lock_path(warehouse)
    try:
        with pipeline_lock(lock_path) as abandoned:
            if abandoned:
                print(f"ringledger pipeline: {abandoned_lock_message(abandoned, lock_path)}", file=sys.stderr)
            open_warehouse(str(warehouse)).close()  # held by another process: say which, before starting
            return _run_job(args)
    except (PipelineBusy, WarehouseLocked) as exc:
        print(f"ringledger pipeline: {exc}", file=sys.stderr)
        return 3


def _run_job(args: argparse.Namespace) -> int:
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
