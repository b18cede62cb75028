"""Geography and calendar inputs: site dial rules, business calendars, public holidays, the number plan.

The number plan is phonenumbers' metadata as prefix tables (``ingestion.numbering``): dbt's
``int_number_geography`` classifies every number by joining them, in SQL.
"""

import datetime as dt

import dagster as dg

from ingestion.config.company import load_sites
from ingestion.config.public_holidays import site_holidays
from ingestion.numbering.tables import TABLES as NUMBER_TABLES
from ingestion.numbering.tables import number_tables
from ingestion.raw import reference
from orchestration.resources import LocationsResource, WarehouseResource

FIRST_HOLIDAY_YEAR = 2000
HOLIDAY_YEARS_AHEAD = 5
SITE_RULE_TABLES = {
    "site_number_ranges": "Per-site dial-plan ranges: internal, local areas, emergency and service numbers.",
    "site_calendars": "Per-site business hours, lunch and holiday country/subdivision (local time).",
    "public_holidays": "Public holidays of each site's country and subdivision (holidays package).",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(dg.AssetKey(["raw", table]), group_name="ingest", description=text)
        for table, text in SITE_RULE_TABLES.items()
    ],
    name="raw_site_rules",
)
def raw_site_rules(warehouse: WarehouseResource, locations: LocationsResource):
    """Validate config/sites.yml, then load dial rules, calendars and public holidays."""
    sites = load_sites(locations.input_path)
    years = range(FIRST_HOLIDAY_YEAR, dt.date.today().year + HOLIDAY_YEARS_AHEAD + 1)
    holidays = [row for site in sites for row in site_holidays(site, years)]
    with warehouse.connect() as con:
        counts = reference.load_site_rules(con, sites)
        counts["public_holidays"] = reference.load_public_holidays(con, holidays)
    for table in SITE_RULE_TABLES:
        yield dg.MaterializeResult(asset_key=dg.AssetKey(["raw", table]), metadata={"rows": counts[table]})


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            dg.AssetKey(["raw", table]),
            group_name="ingest",
            description="phonenumbers' metadata as a prefix table (ingestion/numbering/tables.py).",
        )
        for table in NUMBER_TABLES
    ],
    name="raw_number_plan",
)
def raw_number_plan(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, locations: LocationsResource
):
    """Load the number plan tables, built once per phonenumbers version into the user's cache."""
    files = number_tables(locations.cache_path)
    context.log.info(f"number plan from {next(iter(files.values())).parent}")
    with warehouse.connect() as con:
        counts = reference.load_number_tables(con, files)
    for table in NUMBER_TABLES:
        yield dg.MaterializeResult(asset_key=dg.AssetKey(["raw", table]), metadata={"rows": counts[table]})


defs = dg.Definitions(assets=[raw_site_rules, raw_number_plan])
