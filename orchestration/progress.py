"""What a run started from the command line prints while it goes: a line as each step starts and ends.

Dagster's own event log (one DEBUG line per event) stays in the run's record under
``DAGSTER_HOME`` and in the Dagster UI; on the command line its warnings and errors show, with
these lines beside them::

    [   0.4 s] landing__files started
    [   2.1 s] landing__files done in 1.7 s: 1 asset
    [  61.9 s] ringledger_dbt done in 48.2 s: 131 assets, 360 checks (2 failed)

Long steps log how far they are (``orchestration.rates``), printed between them::

    [  31.0 s] raw_records: raw load: 2,100 of 4,440 files, 7,512,300 records, 29.4 s, 255,520 records/s

dbt's own lines (``12 of 360 START ...``) come between them, as ``dbt build`` prints them.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any, TextIO

import dagster as dg

from orchestration.rates import PROGRESS_PREFIX

LOG_LEVELS = ("debug", "info", "warning", "error")
STEP_ENDS = {"STEP_SUCCESS": "done", "STEP_FAILURE": "FAILED", "STEP_SKIPPED": "skipped"}


class StepLines(logging.Handler):
    """Prints a line when a step starts and when it ends: its time, assets and checks."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(logging.DEBUG)
        self.stream = stream
        self.run_started = time.monotonic()
        self.step_started: dict[str, float] = {}
        self.counts: dict[str, Counter[str]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        step = getattr(event, "step_key", None)
        message = str(meta.get("orig_message") or "")
        if event is None and message.startswith(PROGRESS_PREFIX):
            self._print(f"{meta.get('step_key') or 'run'}: {message.removeprefix(PROGRESS_PREFIX)}")
        if event is None or step is None:
            return
        kind = event.event_type_value
        counts = self.counts.setdefault(step, Counter())
        if kind == "STEP_START":
            self.step_started[step] = time.monotonic()
            self._print(f"{step} started")
        elif kind == "ASSET_MATERIALIZATION":
            counts["assets"] += 1
        elif kind == "ASSET_CHECK_EVALUATION":
            counts["checks"] += 1
            counts["failed"] += not getattr(event.event_specific_data, "passed", True)
        elif kind in STEP_ENDS:
            took = time.monotonic() - self.step_started.get(step, self.run_started)
            self._print(f"{step} {STEP_ENDS[kind]} in {took:.1f} s{_what(counts)}")

    def _print(self, text: str) -> None:
        print(f"[{time.monotonic() - self.run_started:7.1f} s] {text}", file=self.stream, flush=True)


def _what(counts: Counter[str]) -> str:
    parts = []
    if counts["assets"]:
        parts.append(f"{counts['assets']} asset{'s' if counts['assets'] != 1 else ''}")
    if counts["checks"]:
        failed = f" ({counts['failed']} failed)" if counts["failed"] else ""
        parts.append(f"{counts['checks']} checks{failed}")
    return ": " + ", ".join(parts) if parts else ""


# config_schema=None is dagster's default, named because its overloads leave it required
@dg.logger(
    config_schema=None,
    description="One line per step start and end, with its time, assets and checks (stdout).",
)
def step_lines_logger(_init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("ringledger.progress", level=logging.DEBUG)
    logger.addHandler(StepLines(sys.stdout))
    return logger


def for_the_command_line(job: dg.JobDefinition, log_level: str) -> tuple[dg.JobDefinition, Mapping[str, Any]]:
    """The job with step lines on stdout and Dagster's console log at ``log_level``, and that run config."""
    loggers = {"console": dg.colored_console_logger, "progress": step_lines_logger}
    config = {"console": {"config": {"log_level": log_level.upper(), "name": "dagster"}}, "progress": {}}
    return job.with_logger_defs(loggers), {"loggers": config}


def add_log_level_option(parser: argparse.ArgumentParser) -> None:
    """``--log-level``: how much of Dagster's own event log the command prints (default: warning)."""
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default="warning",
        help="Dagster's event log on the console: debug shows every event (default: warning)",
    )
