"""The full pipeline as one job: what ``ringledger pipeline`` runs and what the arrival sensor launches."""

import dagster as dg

FULL_PIPELINE = "full_pipeline"

full_pipeline = dg.define_asset_job(
    FULL_PIPELINE,
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("reprocess"),
    description="Land new files, load raw records and configuration, build and test the dbt models, publish.",
)
