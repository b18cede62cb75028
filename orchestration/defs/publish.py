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
from orchestration.serving.publish import publish

PUBLISHED = dg.AssetKey(["serving", "published_marts"])


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
                "version": publication.version,
                "path": str(publication.path),
                **{f"rows_{table}": count for table, count in publication.tables.items()},
                **findings_metadata(read_findings(publication.path)),
            }
        )

    return published_marts


def definitions() -> dg.Definitions:
    return dg.Definitions(assets=[published_marts_asset()])
