"""One writer per warehouse: the commands that build it hold its pipeline lock while they run."""

from __future__ import annotations

import sys
from collections.abc import Callable

from ingestion.config.settings import Settings
from orchestration.processes import PipelineBusy, abandoned_lock_message, pipeline_lock, pipeline_lock_path
from orchestration.resources import WarehouseLocked, open_warehouse

BUSY_EXIT = 3


def run_alone(command: str, body: Callable[[], int]) -> int:
    """Run ``body`` holding the warehouse's pipeline lock; refuse (exit 3) while another holds it.

    A lock whose holder died is taken over, with a word to the operator. The warehouse is opened
    once first, so that a process holding it without the lock is named before anything starts.
    """
    warehouse = Settings.from_env().warehouse_path
    lock_path = pipeline_lock_path(warehouse)
    try:
        with pipeline_lock(lock_path) as abandoned:
            if abandoned:
                message = abandoned_lock_message(abandoned, lock_path)
                print(f"ringledger {command}: {message}", file=sys.stderr)
            open_warehouse(str(warehouse)).close()
            return body()
    except (PipelineBusy, WarehouseLocked) as exc:
        print(f"ringledger {command}: {exc}", file=sys.stderr)
        return BUSY_EXIT
