"""Publish: a new read-only serving copy of the marts after every good build.

It runs only when the dbt build passed its blocking checks (a failed one fails the dbt
step, so this asset is skipped and the last good copy stays in service); data-quality
findings do not stop it, and their count per source goes into its metadata.
"""

from pathlib import Path

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from orchestration.defs import transform
from orchestration.findings import FINDINGS_TABLE, findings_metadata, read_findings
from orchestration.resources import LocationsResource, WarehouseResource
from orchestration.serving.publish import Publication, publish

PUBLISHED = dg.AssetKey(["serving", "published_marts"])
SUMMARY = "summary"


def publication_metadata(publication: Publication) -> "dict[str, dg.RawMetadataValue]":
    """What a publish did, for its materialization: version, path, what it kept and rewrote, rows."""
    return {
        "version": publication.version,
        "path": str(publication.path),
        SUMMARY: publication.summary(),
        "incremental": publication.incremental,
        "tables_kept": len(publication.kept),
        "tables_replaced": len(publication.replaced) + len(publication.created),
        "tables_dropped": len(publication.dropped),
        "day_groups_replaced": sum(publication.groups.values()),
        "seconds": round(publication.seconds, 2),
        **{f"rows_{table}": count for table, count in publication.tables.items()},
    }


def published_marts_asset() -> dg.AssetsDefinition:
    """The publish asset, after the dbt models it serves."""
    dbt_models = [transform.ringledger_dbt()]

    @dg.asset(
        key=PUBLISHED,
        deps=[get_asset_key_for_model(dbt_models, model) for model in ("fct_calls", FINDINGS_TABLE)],
        group_name="publish",
        description="Versioned read-only copy of the marts that Superset attaches (CURRENT pointer).",
    )
    def published_marts(warehouse: WarehouseResource, locations: LocationsResource) -> dg.MaterializeResult:
        publication = publish(Path(warehouse.path), locations.published_path)
        return dg.MaterializeResult(
            metadata={
                **publication_metadata(publication),
                **findings_metadata(read_findings(publication.path)),
            }
        )

    return published_marts


def definitions() -> dg.Definitions:
    return dg.Definitions(assets=[published_marts_asset()])
