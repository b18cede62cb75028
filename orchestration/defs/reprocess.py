"""Reprocessing: rebuild the call facts of chosen days from raw, as daily partitions.

A Dagster backfill of ``reprocess/call_facts_by_day`` over a date range runs one
dbt build of the facts with that range (single-run backfill policy); the facts
of those days are deleted and rebuilt, every other day is left as it was; then
a new serving copy is published.
"""

import json
import warnings
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from ingestion.formats import FORMATS
from orchestration.defs.transform import build_arguments, dbt_project, prune_run_targets
from orchestration.resources import LocationsResource, WarehouseResource
from orchestration.serving.publish import publish

REPROCESS_START = "2020-01-01"
daily = dg.DailyPartitionsDefinition(start_date=REPROCESS_START)
# The scope and everything built on it: the call-level models are incremental by the scope's
# days (int_call_legs_unioned … fct_calls, fct_call_legs); what aggregates them is rebuilt.
FACT_MODELS = "int_rebuild_scope+"
REPROCESS_KEY = dg.AssetKey(["reprocess", "call_facts_by_day"])


class ReprocessConfig(dg.Config):
    """Limit the rebuild to one source (all sources when empty)."""

    source: str = ""


def dbt_reprocess_args(first_day: str, last_day: str, source: str = "") -> list[str]:
    """The dbt command that rebuilds (and tests) the facts of [first_day, last_day]."""
    scope = {"reprocess_from": first_day, "reprocess_to": last_day, "reprocess_source": source or None}
    return [*build_arguments(), "--select", FACT_MODELS, "--vars", json.dumps(scope)]


# Single-run backfills are a beta parameter of @asset in Dagster 1.13, used knowingly: its warning
# would greet every user of the command line, who cannot act on it.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)

    @dg.asset(
        key=REPROCESS_KEY,
        partitions_def=daily,
        backfill_policy=dg.BackfillPolicy.single_run(),
        deps=[dg.AssetKey(["raw", name]) for name in FORMATS],
        group_name="reprocess",
        description="Call facts of the partition's local days rebuilt from raw (fct_calls rows replaced).",
    )
    def call_facts_by_day(
        context: dg.AssetExecutionContext,
        config: ReprocessConfig,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        locations: LocationsResource,
    ) -> None:
        days = context.partition_key_range
        context.log.info(
            f"rebuilding call facts {days.start}..{days.end} for {config.source or 'all sources'}"
        )
        prune_run_targets()
        dbt.cli(
            dbt_reprocess_args(days.start, days.end, config.source), manifest=dbt_project().manifest_path
        ).wait()
        publication = publish(Path(warehouse.path), locations.published_path)
        context.log.info(f"{publication.summary()}: {publication.path}")


reprocess_job = dg.define_asset_job(
    "reprocess",
    selection=[REPROCESS_KEY],
    partitions_def=daily,
    description="Rebuild the call facts of a range of days from raw, then publish.",
)

defs = dg.Definitions(assets=[call_facts_by_day], jobs=[reprocess_job])
