"""How far a load is: the progress lines a step logs and the command line prints."""

from __future__ import annotations

import io
import logging

from orchestration.progress import StepLines
from orchestration.rates import PROGRESS_PREFIX, RateLines


class _Log:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, message: str) -> None:
        self.lines.append(message)


def test_a_load_logs_files_of_the_total_records_and_rate_then_always_its_end():
    log = _Log()
    lines = RateLines(log, "raw load", every=3600.0)
    lines(0, 0, 0)  # nothing pending: nothing to say
    lines(10, 40, 1_000)
    lines(20, 40, 2_000)  # within the interval: not logged
    lines(40, 40, 4_000)  # the end: always logged
    assert len(log.lines) == 2, log.lines
    assert log.lines[0].startswith(f"{PROGRESS_PREFIX}raw load: 10 of 40 files, 1,000 records, ")
    assert log.lines[1].startswith(f"{PROGRESS_PREFIX}raw load: 40 of 40 files, 4,000 records, ")
    assert log.lines[1].endswith(" records/s")
    assert lines.figures["files"] == 40 and lines.figures["records"] == 4_000


def test_step_lines_print_a_steps_progress_messages_and_nothing_else_it_logs():
    out = io.StringIO()
    handler = StepLines(out)
    for message in (
        f"{PROGRESS_PREFIX}raw load: 1 of 2 files, 5 records, 0.1 s, 50 records/s",
        "other chatter",
    ):
        record = logging.LogRecord("dagster", logging.INFO, __file__, 1, message, None, None)
        record.dagster_meta = {"orig_message": message, "step_key": "raw_records"}
        handler.emit(record)
    printed = out.getvalue().splitlines()
    assert len(printed) == 1 and printed[0].endswith(
        "] raw_records: raw load: 1 of 2 files, 5 records, 0.1 s, 50 records/s"
    )
