"""The single Dagster entry point: every area's definitions, resources and the full job.

Settings come from ``ingestion.config.settings`` (environment variables with local
defaults): the one place that maps local, test and production locations. Loading is lazy
(``@dg.definitions``): importing this module runs nothing; Dagster, ``ringledger pipeline`` and
the tests call ``defs()``.
"""

from __future__ import annotations

import dagster as dg

from ingestion.config.settings import Settings
from orchestration.defs import directory, geography, ingest, publish, reprocess, sensors, transform
from orchestration.defs.pipeline_job import full_pipeline
from orchestration.resources import LocationsResource, WarehouseResource


@dg.definitions
def defs() -> dg.Definitions:
    settings = Settings.from_env()
    return dg.Definitions.merge(
        ingest.defs,
        directory.defs,
        geography.defs,
        transform.definitions(),
        publish.definitions(),
        reprocess.defs,
        sensors.defs,
        dg.Definitions(
            jobs=[full_pipeline],
            resources={
                "warehouse": WarehouseResource(path=str(settings.warehouse_path)),
                "locations": LocationsResource(
                    input_dir=str(settings.input_dir),
                    landing_dir=str(settings.landing_dir),
                    published_dir=str(settings.published_dir),
                    cache_dir=str(settings.cache_dir),
                ),
                "dbt": transform.dbt_resource(),
            },
            # One writer at a time: the warehouse DuckDB file takes a single writer.
            executor=dg.in_process_executor,
        ),
    )
