"""How far a long step is, as log lines the command line prints (``orchestration.progress``).

A step logs ``progress: <what>: ...`` through its Dagster log; the command line's step lines print
it as it comes, and the Dagster UI shows it in the run's log.
"""

from __future__ import annotations

import time
from typing import Any

PROGRESS_PREFIX = "progress: "  # a step's log message that the command line prints as it comes


class RateLines:
    """Logs how far a load is (files of the total, records, time, rate), at most every ``every`` seconds.

    Called as ``(files done, files in all, records done)``; the last call (all files done) always logs.
    ``figures`` holds the last ones, for the step's Dagster metadata.
    """

    def __init__(self, log: Any, what: str, every: float = 5.0) -> None:
        self.log, self.what, self.every = log, what, every
        self.started = time.monotonic()
        self.logged_at = -every
        self.figures: dict[str, float] = {}

    def __call__(self, files: int, total: int, records: int) -> None:
        if total == 0:
            return
        now = time.monotonic()
        elapsed = now - self.started
        rate = records / elapsed if elapsed > 0 else 0.0
        self.figures = {
            "files": files,
            "records": records,
            "seconds": round(elapsed, 1),
            "records_per_second": round(rate),
        }
        if files < total and now - self.logged_at < self.every:
            return
        self.logged_at = now
        self.log.info(
            f"{PROGRESS_PREFIX}{self.what}: {files:,} of {total:,} files, {records:,} records, "
            f"{elapsed:.1f} s, {rate:,.0f} records/s"
        )
