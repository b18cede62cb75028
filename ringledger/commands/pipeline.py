"""``ringledger pipeline``: run the whole Dagster job once, in this process.

With ``DAGSTER_HOME`` set the run is recorded there and shows in the Dagster UI.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from ingestion.config.settings import Settings
from orchestration.instance import command_line_instance
from orchestration.progress import add_log_level_option, for_the_command_line
from ringledger.commands.one_at_a_time import run_alone


def configure(parser: argparse.ArgumentParser) -> None:
    add_log_level_option(parser)
    parser.epilog = (
        "Locations follow RINGLEDGER_* variables (see 'ringledger paths'); runs are kept under DAGSTER_HOME."
    )


def run(args: argparse.Namespace) -> int:
    """One pipeline at a time per warehouse: refuse (exit 3) if another runs, take over a dead one's lock."""
    return run_alone("pipeline", lambda: _run_job(args))


def _run_job(args: argparse.Namespace) -> int:
    """Run the job; say what it published, or which blocking checks kept the served copy (exit 1)."""
    from orchestration.definitions import defs
    from orchestration.defs.pipeline_job import FULL_PIPELINE
    from orchestration.load_report import load_lines
    from orchestration.run_outcome import outcome_of, record_outcome, report_lines

    job, run_config = for_the_command_line(defs().resolve_job_def(FULL_PIPELINE), args.log_level)
    instance = command_line_instance()
    started = datetime.now(UTC)
    result = job.execute_in_process(run_config=run_config, instance=instance, raise_on_error=False)
    outcome = outcome_of(result, Settings.from_env().published_dir)
    record_outcome(instance, outcome)
    for line in load_lines(Settings.from_env().warehouse_path, started) + report_lines(outcome):
        print(line)
    print(f"pipeline run {result.run_id}: {'succeeded' if result.success else 'FAILED'}")
    return 0 if outcome.succeeded and outcome.published and not outcome.blocking_failures else 1
