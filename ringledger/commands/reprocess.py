"""``ringledger reprocess``: rebuild the call facts of a date range from raw, then publish.

Runs the Dagster ``reprocess`` job for the partition range in this process; the
same as a backfill of ``reprocess/call_facts_by_day`` in the Dagster UI. Like ``pipeline``, it
holds the warehouse's pipeline lock (refusing, exit 3, while another command holds it).
"""

from __future__ import annotations

import argparse
import datetime as dt

from ingestion.config.company import load_sources
from ingestion.config.settings import Settings
from orchestration.instance import command_line_instance
from orchestration.progress import add_log_level_option, for_the_command_line
from ringledger.commands.one_at_a_time import run_alone


def _day(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from exc


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", default="", help="only this configured source (default: all)")
    parser.add_argument(
        "--from", dest="first_day", type=_day, required=True, help="first local day, YYYY-MM-DD"
    )
    parser.add_argument("--to", dest="last_day", type=_day, required=True, help="last local day, YYYY-MM-DD")
    add_log_level_option(parser)


def run(args: argparse.Namespace) -> int:
    if args.last_day < args.first_day:
        raise SystemExit(f"ringledger reprocess: --to {args.last_day} is before --from {args.first_day}")
    settings = Settings.from_env()
    names = [s.name for s in load_sources(settings.input_dir)]
    if args.source and args.source not in names:
        raise SystemExit(f"ringledger reprocess: unknown source {args.source!r}; configured: {names}")
    return run_alone("reprocess", lambda: _reprocess(args))


def _reprocess(args: argparse.Namespace) -> int:
    from orchestration.definitions import defs

    instance = command_line_instance()
    job, loggers = for_the_command_line(defs().resolve_job_def("reprocess"), args.log_level)
    result = job.execute_in_process(
        instance=instance,
        run_config={**loggers, "ops": {"reprocess__call_facts_by_day": {"config": {"source": args.source}}}},
        tags={
            "dagster/asset_partition_range_start": args.first_day,
            "dagster/asset_partition_range_end": args.last_day,
        },
        raise_on_error=False,
    )
    scope = f"{args.first_day}..{args.last_day} ({args.source or 'all sources'})"
    print(f"reprocess {scope}: {'succeeded' if result.success else 'FAILED'} (run {result.run_id})")
    return 0 if result.success else 1
