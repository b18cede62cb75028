"""Publish: a new read-only serving copy of the marts after every good build.

It runs only when the dbt build passed its blocking checks (a failed one fails the dbt
step, so this asset is skipped and the last good copy stays in service); data-quality
findings do not stop it, and their count per source goes into its metadata.
"""

from pathlib import Path

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from orchestration.defs.transform import ringledger_dbt
from orchestration.findings import FINDINGS_TABLE, findings_metadata, read_findings
from orchestration.resources import LocationsResource, WarehouseResource
from orchestration.serving.publish import publish

PUBLISHED = dg.AssetKey(["serving", "published_marts"])


@dg.asset(
    key=PUBLISHED,
    deps=[get_asset_key_for_model([ringledger_dbt], model) for model in ("fct_calls", FINDINGS_TABLE)],
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


defs = dg.Definitions(assets=[published_marts])
