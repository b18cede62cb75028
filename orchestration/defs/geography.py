"""Geography and calendar: site dial rules and business calendars, public holidays, and
the classification of every external number (country, region, city, type) with phonenumbers.

``raw/number_geography`` sits between dbt models: it reads the numbers that
``int_call_numbers`` produces and feeds ``dim_destination``; dagster-dbt runs the dbt
project in two steps around it. It is incremental: a number is classified once.
"""

import datetime as dt
import time

import dagster as dg
import duckdb
from dagster_dbt import get_asset_key_for_model

from ingestion import reference_load
from ingestion.config import load_sites
from ingestion.numbering import NumberGeography, classify_all
from ingestion.public_holidays import site_holidays
from orchestration.defs.transform import ringledger_dbt
from orchestration.resources import LocationsResource, WarehouseResource

FIRST_HOLIDAY_YEAR = 2000
HOLIDAY_YEARS_AHEAD = 5
SITE_RULE_TABLES = {
    "site_number_ranges": "Per-site dial-plan ranges: internal, local areas, emergency and service numbers.",
    "site_calendars": "Per-site business hours, lunch and holiday country/subdivision (local time).",
    "public_holidays": "Public holidays of each site's country and subdivision (holidays package).",
}
NUMBER_GEOGRAPHY = dg.AssetKey(["raw", "number_geography"])
GEOGRAPHY_COLUMNS = {
    "e164": "VARCHAR PRIMARY KEY",
    "country_calling_code": "VARCHAR",
    "region_code": "VARCHAR",
    "national_number": "VARCHAR",
    "number_type": "VARCHAR",
    "is_valid": "BOOLEAN",
    "geo_description": "VARCHAR",
    "country_name": "VARCHAR",
    "city": "VARCHAR",
    "area": "VARCHAR",
    "classified_at": "TIMESTAMP WITH TIME ZONE",
}
UNCLASSIFIED_NUMBERS = """
    select distinct numbers.number_e164
    from intermediate.int_call_numbers as numbers
    anti join raw.number_geography as known on numbers.number_e164 = known.e164
    where numbers.number_e164 is not null
"""


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
        counts = reference_load.load_site_rules(con, sites)
        counts["public_holidays"] = reference_load.load_public_holidays(con, holidays)
    for table in SITE_RULE_TABLES:
        yield dg.MaterializeResult(asset_key=dg.AssetKey(["raw", table]), metadata={"rows": counts[table]})


def _insert_geography(con: duckdb.DuckDBPyConnection, rows: list[NumberGeography]) -> None:
    names = list(GEOGRAPHY_COLUMNS)
    placeholders = ", ".join(["?"] * (len(names) - 1) + ["current_timestamp"])
    values = [tuple(getattr(row, name) for name in names[:-1]) for row in rows]
    con.executemany(f"insert into raw.number_geography ({', '.join(names)}) values ({placeholders})", values)


@dg.asset(
    key=NUMBER_GEOGRAPHY,
    deps=[get_asset_key_for_model([ringledger_dbt], "int_call_numbers")],
    group_name="transform",
    description="Country, region, city and type of every external number (phonenumbers), classified once.",
)
def number_geography(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    columns = ", ".join(f"{name} {kind}" for name, kind in GEOGRAPHY_COLUMNS.items())
    with warehouse.connect() as con:
        con.execute("create schema if not exists raw")
        con.execute(f"create table if not exists raw.number_geography ({columns})")
        numbers = [row[0] for row in con.execute(UNCLASSIFIED_NUMBERS).fetchall()]
        started = time.perf_counter()
        rows = classify_all(numbers)
        seconds = time.perf_counter() - started
        _insert_geography(con, rows)
        total = con.execute("select count(*) from raw.number_geography").fetchone()[0]
    rate = len(rows) / seconds if seconds > 0 else 0.0
    context.log.info(f"classified {len(rows)} new numbers in {seconds:.3f} s ({rate:,.0f} numbers/s)")
    return dg.MaterializeResult(
        metadata={
            "newly_classified": len(rows),
            "numbers_total": total,
            "numbers_per_second": round(rate),
        }
    )


defs = dg.Definitions(assets=[raw_site_rules, number_geography])
